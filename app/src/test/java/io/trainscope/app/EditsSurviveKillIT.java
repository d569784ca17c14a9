package io.trainscope.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.trainscope.core.samples.SampleStore;
import io.trainscope.proto.weightslab.DataEditsRequest;
import io.trainscope.proto.weightslab.DataEditsResponse;
import io.trainscope.proto.weightslab.ExperimentServiceGrpc;
import io.trainscope.proto.weightslab.SampleEditType;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Edits are durable when EditDataSample answers: the packaged demo is killed with SIGKILL right
 * after the replies, and the run's database still has every edit.
 */
class EditsSurviveKillIT {

    private static final Pattern ADDRESS = Pattern.compile("Dashboard: (http://\\S+)");

    @Test
    void editsAnsweredBeforeKillNineAreInTheRunDirectory() throws Exception {
        Path runDir = Path.of("target/runs/kill-it");
        if (Files.exists(runDir)) {
            try (Stream<Path> files = Files.walk(runDir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        String cache = System.getProperty("DJL_CACHE_DIR", System.getProperty("user.home") + "/.cache/trainscope/djl");
        Process demo = new ProcessBuilder("java", "-Xmx2g", "-DDJL_CACHE_DIR=" + cache, "-Djna.tmpdir=" + cache + "/jna",
                "-Dai.djl.offline=true", "-jar", "target/trainscope.jar", "demo", "--host", "127.0.0.1", "--port", "0",
                "--epochs", "1", "--run-dir", runDir.toString())
                .redirectErrorStream(true).start();
        ManagedChannel channel = null;
        try {
            URI url = URI.create(awaitAddress(demo).get(60, TimeUnit.SECONDS));
            channel = NettyChannelBuilder.forAddress("127.0.0.1", url.getPort()).usePlaintext().build();
            var stub = ExperimentServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
            DataEditsRequest.Builder discard = DataEditsRequest.newBuilder().setStatName("discarded").setBoolValue(true);
            DataEditsRequest.Builder tag = DataEditsRequest.newBuilder().setStatName("tag").setStringValue("kept")
                    .setType(SampleEditType.EDIT_ACCUMULATE);
            for (int id = 0; id < 1000; id++) {
                discard.addSamplesIds(Integer.toString(id)).addSampleOrigins("train");
                tag.addSamplesIds(Integer.toString(2000 + id)).addSampleOrigins("train");
            }
            DataEditsResponse discarded = stub.editDataSample(discard.build());
            DataEditsResponse tagged = stub.editDataSample(tag.build());
            demo.destroyForcibly(); // SIGKILL, right after the second reply
            assertThat(demo.waitFor(20, TimeUnit.SECONDS)).isTrue();
            assertThat(demo.exitValue()).isEqualTo(137);
            assertThat(discarded.getSuccess()).as(discarded.getMessage()).isTrue();
            assertThat(tagged.getSuccess()).as(tagged.getMessage()).isTrue();
        } finally {
            if (channel != null) {
                channel.shutdownNow();
            }
            demo.destroyForcibly();
        }
        try (SampleStore samples = SampleStore.open(runDir.resolve("experiment.duckdb"), List.of())) {
            assertThat(samples.views().query("check", "discarded == true", false).all()).isEqualTo(1000);
            assertThat(samples.views().query("check", "`tag:kept` == true", false).all()).isEqualTo(1000);
            assertThat(samples.discarded().contains("train", 999)).isTrue();
        }
    }

    private static CompletableFuture<String> awaitAddress(Process demo) {
        CompletableFuture<String> address = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader out = new BufferedReader(new InputStreamReader(demo.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = out.readLine()) != null) {
                    Matcher m = ADDRESS.matcher(line);
                    if (m.find()) {
                        address.complete(m.group(1));
                    }
                }
                address.completeExceptionally(new AssertionError("the demo ended without printing its address"));
            } catch (Exception e) {
                address.completeExceptionally(e);
            }
        }, "demo-output");
        reader.setDaemon(true);
        reader.start();
        return address;
    }
}
