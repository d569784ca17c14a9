package io.trainscope.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.trainscope.core.control.RunStatus;
import io.trainscope.proto.weightslab.CommandResponse;
import io.trainscope.proto.weightslab.ExperimentRunInfo;
import io.trainscope.proto.weightslab.ExperimentServiceGrpc;
import io.trainscope.proto.weightslab.HyperParameterCommand;
import io.trainscope.proto.weightslab.HyperParameters;
import io.trainscope.proto.weightslab.ListExperimentRunsRequest;
import io.trainscope.proto.weightslab.LoadCheckpointOperation;
import io.trainscope.proto.weightslab.RenameExperimentRunRequest;
import io.trainscope.proto.weightslab.RestoreCheckpointRequest;
import io.trainscope.proto.weightslab.RestoreCheckpointResponse;
import io.trainscope.proto.weightslab.SaveCheckpointOperation;
import io.trainscope.proto.weightslab.SetExperimentRunNotesRequest;
import io.trainscope.proto.weightslab.TrainerCommand;
import io.trainscope.server.TrainingSession;
import io.trainscope.server.auth.AccessTokens;
import java.nio.file.Files;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Checkpoints and runs over real gRPC: save, restore at a step (full and weights only), branches, names, notes. */
class CheckpointGrpcTest {

    private static TrainingSession session;
    private static ManagedChannel channel;
    private static ExperimentServiceGrpc.ExperimentServiceBlockingStub stub;
    private static String original;

    @BeforeAll
    static void start() throws Exception {
        session = LiveRun.shapes(AccessTokens.none(), true, 2_000);
        channel = NettyChannelBuilder.forAddress("127.0.0.1", session.server().port()).usePlaintext().build();
        stub = ExperimentServiceGrpc.newBlockingStub(channel);
        LiveRun.await("model built", () -> session.experiment().checkpoints().attached(), 60);
        original = session.experiment().runHash();
        LiveRun.trainWithCheckpoints(session, stub, 20, 60);
    }

    @AfterAll
    static void stop() throws Exception {
        channel.shutdownNow();
        session.close();
        session = null; // the class stays loaded after its tests: let the closed session go
    }

    private static CommandResponse change(HyperParameters.Builder hp) {
        return call(TrainerCommand.newBuilder()
                .setHyperParameterChange(HyperParameterCommand.newBuilder().setHyperParameters(hp)).build());
    }

    private static CommandResponse call(TrainerCommand command) {
        return stub.withDeadlineAfter(60, TimeUnit.SECONDS).experimentCommand(command);
    }

    private static RestoreCheckpointResponse restore(String reference) {
        return stub.withDeadlineAfter(60, TimeUnit.SECONDS)
                .restoreCheckpoint(RestoreCheckpointRequest.newBuilder().setExperimentHash(reference).build());
    }

    private static List<ExperimentRunInfo> runs() {
        return stub.withDeadlineAfter(30, TimeUnit.SECONDS).listExperimentRuns(ListExperimentRunsRequest.getDefaultInstance())
                .getRunsList();
    }

    @Test
    void savingRestoringAndBranching() throws Exception {
        CommandResponse saved = call(TrainerCommand.newBuilder()
                .setSaveCheckpointOperation(SaveCheckpointOperation.getDefaultInstance()).build());
        assertThat(saved.getSuccess()).as(saved.getMessage()).isTrue();
        assertThat(saved.getMessage()).isEqualTo("Checkpoint " + original + "@60 saved at step 60");
        ExperimentRunInfo first = runs().get(0);
        assertThat(first.getIsCurrent()).isTrue();
        assertThat(first.getLatestWeightStep()).isEqualTo(60);

        RestoreCheckpointResponse full = restore(original + "@@step=20");
        assertThat(full.getSuccess()).as(full.getMessage()).isTrue();
        assertThat(session.experiment().step()).isEqualTo(20);
        assertThat(session.experiment().status()).isEqualTo(RunStatus.PAUSED);
        String branch = session.experiment().runHash();
        assertThat(full.getMessage()).contains("paused at step 20 on new branch " + branch);
        List<ExperimentRunInfo> afterRestore = runs();
        assertThat(afterRestore).extracting(ExperimentRunInfo::getExperimentHash).contains(original, branch);
        ExperimentRunInfo current = afterRestore.stream().filter(ExperimentRunInfo::getIsCurrent).findFirst().orElseThrow();
        assertThat(current.getExperimentHash()).isEqualTo(branch);
        assertThat(current.getExperimentName()).isEqualTo("branch of " + original + "@20");

        RestoreCheckpointResponse weights = restore(original + "@@weights_step=40");
        assertThat(weights.getSuccess()).as(weights.getMessage()).isTrue();
        assertThat(weights.getMessage()).startsWith("Weights restored from checkpoint " + original + "@40");
        assertThat(session.experiment().step()).isEqualTo(40);

        CommandResponse load = call(TrainerCommand.newBuilder()
                .setLoadCheckpointOperation(LoadCheckpointOperation.newBuilder().setCheckpointId(20)).build());
        assertThat(load.getSuccess()).as(load.getMessage()).isTrue();
        assertThat(session.experiment().step()).isEqualTo(20);
        assertThat(Files.readAllLines(session.experiment().audit().file()))
                .anySatisfy(line -> assertThat(line).contains("checkpoint_restore").contains(original + "@@step=20"));
    }

    @Test
    void unknownCheckpointsAreRefusedWithWhatExists() {
        RestoreCheckpointResponse unknown = restore("0123456789abcdef01234567");
        assertThat(unknown.getSuccess()).isFalse();
        assertThat(unknown.getMessage()).contains("No checkpoint").contains(original);
        assertThat(restore(original + "@@step=7").getMessage()).contains("No checkpoint at step 7");
        CommandResponse load = call(TrainerCommand.newBuilder()
                .setLoadCheckpointOperation(LoadCheckpointOperation.newBuilder().setCheckpointId(13)).build());
        assertThat(load.getSuccess()).isFalse();
        assertThat(load.getMessage()).contains("No checkpoint at step 13");
    }

    @Test
    void runsCanBeRenamedAndAnnotated() {
        String hash = session.experiment().runHash();
        assertThat(stub.renameExperimentRun(RenameExperimentRunRequest.newBuilder().setExperimentHash(hash)
                .setNewName("  baseline ").build()).getMessage()).isEqualTo("Renamed " + hash + " to 'baseline'");
        assertThat(stub.setExperimentRunNotes(SetExperimentRunNotesRequest.newBuilder().setExperimentHash(hash)
                .setNotes("lr 1e-3, no discards").build()).getSuccess()).isTrue();
        ExperimentRunInfo run = runs().stream().filter(r -> r.getExperimentHash().equals(hash)).findFirst().orElseThrow();
        assertThat(run.getExperimentName()).isEqualTo("baseline");
        assertThat(run.getNotes()).isEqualTo("lr 1e-3, no discards");
        assertThat(stub.renameExperimentRun(RenameExperimentRunRequest.newBuilder().setExperimentHash("nope")
                .setNewName("x").build()).getSuccess()).isFalse();
        assertThat(stub.renameExperimentRun(RenameExperimentRunRequest.newBuilder().setExperimentHash(hash)
                .setNewName(" ").build()).getSuccess()).isFalse();
    }
}
