package io.trainscope.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.trainscope.core.samples.SampleStore;
import io.trainscope.proto.weightslab.DataEditsRequest;
import io.trainscope.proto.weightslab.DataEditsResponse;
import io.trainscope.proto.weightslab.ExperimentServiceGrpc;
import io.trainscope.proto.weightslab.SampleEditType;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Edits are durable when EditDataSample answers: the packaged demo is killed with SIGKILL right
 * after the replies, and the run's database still has every edit.
 */
class EditsSurviveKillIT {

    @Test
    void editsAnsweredBeforeKillNineAreInTheRunDirectory() throws Exception {
        Path runDir = PackagedDemo.freshRunDirectory("target/runs/kill-it");
        Process demo = PackagedDemo.start("--epochs", "1", "--run-dir", runDir.toString());
        ManagedChannel channel = null;
        try {
            URI url = URI.create(PackagedDemo.address(demo).get(60, TimeUnit.SECONDS));
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
}
