package io.trainscope.app;

import io.trainscope.server.TrainingSession;
import io.trainscope.server.auth.AccessTokens;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import static org.assertj.core.api.Assertions.assertThat;

/** A Python client (Debian's python3-grpcio) receives the stream and pauses and resumes through it. */
class PythonClientTest {

    private static final Path SCRIPT = Path.of("src/test/python/live_client.py");
    private static final Path GENERATED = Path.of("../proto/target/generated-python");

    @Test
    void pythonReceivesFramesAndPausesAndResumesWithAToken() throws Exception {
        try (TrainingSession session = LiveRun.shapes(AccessTokens.of("python", "py-token"), false)) {
            LiveRun.await("training runs", () -> session.experiment().step() > 5, 60);
            ProcessBuilder pb = new ProcessBuilder("/usr/bin/python3", SCRIPT.toString(),
                    "--port", String.valueOf(session.server().port()), "--token", "py-token")
                    .redirectErrorStream(true);
            pb.environment().put("PYTHONPATH", GENERATED.toAbsolutePath().normalize().toString());
            Process process = pb.start();
            assertThat(process.waitFor(90, TimeUnit.SECONDS)).as("python client finished").isTrue();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(process.exitValue()).as(output).isZero();
            assertThat(output).contains("\"unauthenticated_without_token\": true").contains("\"images\": 16");
            long pausedAt = Long.parseLong(output.replaceAll("(?s).*\"paused_at\": (\\d+).*", "$1"));
            long resumedAt = Long.parseLong(output.replaceAll("(?s).*\"resumed_at\": (\\d+).*", "$1"));
            assertThat(resumedAt).isEqualTo(pausedAt); // nothing ran while paused
        }
    }
}
