package io.trainscope.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.trainscope.proto.v1.CheckpointInfo;
import io.trainscope.proto.v1.ListCheckpointsRequest;
import io.trainscope.proto.v1.ListCheckpointsResponse;
import io.trainscope.proto.v1.MetricsServiceGrpc;
import io.trainscope.proto.v1.RunServiceGrpc;
import io.trainscope.proto.v1.SessionInfo;
import io.trainscope.proto.v1.SessionResponse;
import io.trainscope.proto.v1.TrainingStatus;
import io.trainscope.proto.weightslab.DataEditsRequest;
import io.trainscope.proto.weightslab.DataQueryRequest;
import io.trainscope.proto.weightslab.ExperimentServiceGrpc;
import io.trainscope.proto.weightslab.HyperParameterCommand;
import io.trainscope.proto.weightslab.HyperParameters;
import io.trainscope.proto.weightslab.TrainerCommand;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * SIGKILL while checkpoints are being written (one a step): the run directory reopens from its
 * newest whole checkpoint, lists every whole one and no broken one, and keeps every edit
 * acknowledged before the kill, also those made after the newest checkpoint.
 */
class CheckpointWriteKillIT {

    private static final int EDITS = 5;
    private static final int IDS_PER_EDIT = 100;

    @Test
    void aRunKilledWhileWritingCheckpointsReopensFromItsNewestWholeOneWithEveryEdit() throws Exception {
        Path runDir = PackagedDemo.freshRunDirectory("target/runs/checkpoint-kill-it");
        Process demo = PackagedDemo.start("--epochs", "50", "--run-dir", runDir.toString());
        try {
            ManagedChannel channel = connect(demo);
            var stub = ExperimentServiceGrpc.newBlockingStub(channel).withDeadlineAfter(60, TimeUnit.SECONDS);
            assertThat(stub.experimentCommand(TrainerCommand.newBuilder().setHyperParameterChange(HyperParameterCommand
                    .newBuilder().setHyperParameters(HyperParameters.newBuilder().setCheckpontFrequency(1))).build())
                    .getSuccess()).isTrue();
            LiveRun.await("checkpoints are being written", () -> checkpointFiles(runDir).size() >= 5, 120);
            for (int edit = 0; edit < EDITS; edit++) {
                DataEditsRequest.Builder discard = DataEditsRequest.newBuilder().setStatName("discarded").setBoolValue(true)
                        .addSampleOrigins("train");
                for (int id = edit * IDS_PER_EDIT; id < (edit + 1) * IDS_PER_EDIT; id++) {
                    discard.addSamplesIds(Integer.toString(id));
                }
                assertThat(stub.editDataSample(discard.build()).getSuccess()).isTrue();
                Thread.sleep(37L * edit); // checkpoints go on being written between the edits
            }
            demo.destroyForcibly(); // SIGKILL, with a checkpoint a step in flight
            assertThat(demo.waitFor(20, TimeUnit.SECONDS)).isTrue();
            channel.shutdownNow();
        } finally {
            demo.destroyForcibly();
        }
        int wholeFiles = checkpointFiles(runDir).size();

        Process reopened = PackagedDemo.start("--paused", "--run-dir", runDir.toString());
        try {
            ManagedChannel channel = connect(reopened);
            ListCheckpointsResponse listed = RunServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS)
                    .listCheckpoints(ListCheckpointsRequest.getDefaultInstance());
            assertThat(listed.getCheckpointsCount()).as("every whole checkpoint file is listed").isEqualTo(wholeFiles);
            CheckpointInfo newest = listed.getCheckpointsList().stream()
                    .max(Comparator.comparing(CheckpointInfo::getCreated).thenComparingLong(CheckpointInfo::getStep))
                    .orElseThrow();
            var metrics = MetricsServiceGrpc.newBlockingStub(channel);
            LiveRun.await("the reopened run has resumed", () -> metrics.withDeadlineAfter(30, TimeUnit.SECONDS)
                    .registerTrainingSession(SessionInfo.getDefaultInstance()).getStatus() != TrainingStatus.INITIALIZING, 120);
            SessionResponse session = metrics.withDeadlineAfter(30, TimeUnit.SECONDS)
                    .registerTrainingSession(SessionInfo.getDefaultInstance());
            assertThat(session.getStatus()).isEqualTo(TrainingStatus.PAUSED);
            assertThat(session.getGlobalStep()).as("resumed from the newest checkpoint").isEqualTo(newest.getStep());
            var query = ExperimentServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS)
                    .applyDataQuery(DataQueryRequest.newBuilder().setQuery("discarded == true and origin == 'train' and"
                            + " sample_id < " + EDITS * IDS_PER_EDIT).build());
            assertThat(query.getNumberOfAllSamples()).as("discards acknowledged before the kill")
                    .isEqualTo(EDITS * IDS_PER_EDIT);
            assertThat(partialFiles(runDir)).as("what the kill left half-written is gone").isEmpty();
            channel.shutdownNow();
        } finally {
            reopened.destroyForcibly();
            reopened.waitFor(20, TimeUnit.SECONDS);
        }
    }

    private static ManagedChannel connect(Process demo) throws Exception {
        URI url = URI.create(PackagedDemo.address(demo).get(120, TimeUnit.SECONDS));
        return NettyChannelBuilder.forAddress("127.0.0.1", url.getPort()).usePlaintext().build();
    }

    private static List<Path> checkpointFiles(Path runDir) {
        return files(runDir, "checkpoint.bin");
    }

    private static List<Path> partialFiles(Path runDir) {
        return files(runDir, "checkpoint.bin.partial");
    }

    private static List<Path> files(Path runDir, String name) {
        Path root = runDir.resolve("checkpoints");
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        try (Stream<Path> walk = Files.walk(root)) {
            return walk.filter(f -> f.getFileName().toString().equals(name)).toList();
        } catch (IOException e) {
            return List.of(); // a directory vanished while the writer moved files: look again
        }
    }
}
