package io.trainscope.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.trainscope.server.ServerSettings;
import io.trainscope.server.TrainingSession;
import io.trainscope.server.auth.AccessTokens;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The Python client (Debian's python3-grpcio) over TLS and mutual TLS, with certificates from scripts/make-certs. */
class TlsPythonClientTest {

    private static final Path SCRIPT = Path.of("src/test/python/live_client.py");
    private static final Path GENERATED = Path.of("../proto/target/generated-python");
    private static Certificates certs;

    @BeforeAll
    static void makeCertificates() throws Exception {
        certs = Certificates.make();
    }

    @Test
    void pythonTrustingTheCaStreamsAndSteersOverTls() throws Exception {
        try (TrainingSession session = LiveRun.shapes(ServerSettings.loopback().withTls(Optional.of(certs.serverTls()))
                .withTokens(AccessTokens.of("python", "py-token")), false)) {
            LiveRun.await("training runs", () -> session.experiment().step() > 5, 60);

            Result result = python(session, "--token", "py-token", "--ca", certs.ca().toString());

            assertThat(result.exit()).as(result.output()).isZero();
            assertThat(result.output()).contains("\"unauthenticated_without_token\": true").contains("\"images\": 16");
        }
    }

    @Test
    void withMutualTlsPythonWithTheClientCertificateIsServedAndWithoutItRefused() throws Exception {
        try (TrainingSession session = LiveRun.shapes(ServerSettings.loopback().withTls(Optional.of(certs.mutualTls())),
                false)) {
            LiveRun.await("training runs", () -> session.experiment().step() > 5, 60);

            Result withCertificate = python(session, "--ca", certs.ca().toString(), "--cert", certs.clientCert().toString(),
                    "--key", certs.clientKey().toString());
            Result without = python(session, "--ca", certs.ca().toString());

            assertThat(withCertificate.exit()).as(withCertificate.output()).isZero();
            assertThat(withCertificate.output()).contains("\"images\": 16").contains("\"resumed_at\"");
            assertThat(without.exit()).isNotZero();
            assertThat(without.output()).contains("StatusCode.UNAVAILABLE");
        }
    }

    private record Result(int exit, String output) {}

    private static Result python(TrainingSession session, String... options) throws Exception {
        List<String> command = new ArrayList<>(List.of("/usr/bin/python3", SCRIPT.toString(),
                "--port", String.valueOf(session.server().port())));
        command.addAll(List.of(options));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().put("PYTHONPATH", GENERATED.toAbsolutePath().normalize().toString());
        Process process = pb.start();
        if (!process.waitFor(90, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("the python client did not finish in 90 s");
        }
        return new Result(process.exitValue(), new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    }
}
