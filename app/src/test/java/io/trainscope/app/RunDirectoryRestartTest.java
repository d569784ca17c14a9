package io.trainscope.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.trainscope.djl.data.GeneratedShapes;
import io.trainscope.djl.train.TrainingOptions;
import io.trainscope.proto.weightslab.ExperimentServiceGrpc;
import io.trainscope.proto.weightslab.GetLatestLoggerDataRequest;
import io.trainscope.proto.weightslab.GetLatestLoggerDataResponse;
import io.trainscope.proto.weightslab.PlotNoteOperation;
import io.trainscope.proto.weightslab.TrainerCommand;
import io.trainscope.server.ServerSettings;
import io.trainscope.server.TrainingSession;
import io.trainscope.core.samples.SampleEdit;
import io.trainscope.core.samples.SampleKey;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A run directory outlives its process: curves, notes and the audit log are there after a restart. */
class RunDirectoryRestartTest {

    @Test
    void curvesNotesAndTheAuditLogSurviveARestartOnTheSameRunDirectory() throws Exception {
        Path run = LiveRun.runDirectory();
        long stepsBefore;
        String runHash;
        try (TrainingSession first = start(run, false)) {
            LiveRun.await("some training", () -> first.experiment().step() >= 40, 60);
            first.experiment().steering().pause().get(10, TimeUnit.SECONDS);
            stepsBefore = first.experiment().step();
            runHash = first.experiment().runHash();
            assertThat(call(first, stub -> stub.experimentCommand(TrainerCommand.newBuilder()
                    .setPlotNoteOperation(PlotNoteOperation.newBuilder().setMetricName("train/loss")
                            .setExperimentHash(runHash).setModelAge(20).setNote("before restart")).build()))
                    .getSuccess()).isTrue();
        }
        try (TrainingSession second = start(run, true)) {
            GetLatestLoggerDataResponse history = call(second, stub -> stub.getLatestLoggerData(GetLatestLoggerDataRequest
                    .newBuilder().setRequestFullHistory(true).setMaxPoints(1000).addMetricNames("train/loss").build()));
            assertThat(history.getCurvesList()).singleElement().satisfies(c -> {
                assertThat(c.getExperimentHash()).isEqualTo(runHash);
                assertThat(c.getLastStep()).isEqualTo(stepsBefore);
                assertThat(c.getPointCount()).isEqualTo(stepsBefore);
            });
            assertThat(history.getPointsList()).filteredOn(p -> p.getModelAge() == 20).singleElement()
                    .satisfies(p -> assertThat(p.getPointNote()).isEqualTo("before restart"));
            assertThat(second.experiment().audit().file()).content().contains("\"action\":\"note_write\"");
        }
    }

    @Test
    void aRestartResumesFromTheNewestCheckpointWithEditsIntact() throws Exception {
        Path run = LiveRun.runDirectory();
        long stepsBefore;
        String runHash;
        try (TrainingSession first = start(run, false)) {
            LiveRun.await("some training", () -> first.experiment().step() >= 30, 60);
            first.experiment().steering().pause().get(10, TimeUnit.SECONDS);
            stepsBefore = first.experiment().step();
            runHash = first.experiment().runHash();
            first.experiment().samples().edit(new SampleEdit.SetDiscarded(List.of(new SampleKey("train", 3)), true)).join();
            first.experiment().samples().edit(new SampleEdit.SetTag(List.of(new SampleKey("train", 4)), "kept", true)).join();
        } // closing saves a checkpoint at the step it stopped
        try (TrainingSession second = start(run, true)) {
            // the loop sets the step while resuming and the status just after: wait for both
            LiveRun.await("resumed and paused", () -> second.experiment().step() == stepsBefore
                    && second.experiment().status() == io.trainscope.core.control.RunStatus.PAUSED, 60);
            assertThat(second.experiment().runHash()).isEqualTo(runHash);
            assertThat(second.experiment().samples().discarded().contains("train", 3)).isTrue();
            assertThat(second.experiment().samples().views().find(new SampleKey("train", 4)).orElseThrow().tags())
                    .containsExactly("kept");
            assertThat(second.experiment().status()).isEqualTo(io.trainscope.core.control.RunStatus.PAUSED);
        }
    }

    private static TrainingSession start(Path run, boolean paused) {
        return TrainingSession.start(GeneratedShapes.create("shapes/train", 4_000, 1),
                GeneratedShapes.create("shapes/test", 200, 2), TrainingOptions.epochs(5), 32, 1e-3f, paused,
                ServerSettings.loopback(), run);
    }

    private static <T> T call(TrainingSession session,
            java.util.function.Function<ExperimentServiceGrpc.ExperimentServiceBlockingStub, T> rpc) {
        ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", session.server().port()).usePlaintext().build();
        try {
            return rpc.apply(ExperimentServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS));
        } finally {
            channel.shutdownNow();
        }
    }
}
