package io.trainscope.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.trainscope.core.audit.AuditEntry;
import io.trainscope.proto.weightslab.CancelEvaluationRequest;
import io.trainscope.proto.weightslab.CommandResponse;
import io.trainscope.proto.weightslab.ExperimentServiceGrpc;
import io.trainscope.proto.weightslab.GetEvaluationStatusRequest;
import io.trainscope.proto.weightslab.HyperParameterCommand;
import io.trainscope.proto.weightslab.HyperParameters;
import io.trainscope.proto.weightslab.NeuronId;
import io.trainscope.proto.weightslab.RestoreCheckpointRequest;
import io.trainscope.proto.weightslab.SaveCheckpointOperation;
import io.trainscope.proto.weightslab.TrainerCommand;
import io.trainscope.proto.weightslab.TriggerEvaluationRequest;
import io.trainscope.proto.weightslab.WeightOperation;
import io.trainscope.proto.weightslab.WeightOperationType;
import io.trainscope.proto.weightslab.WeightsOperationRequest;
import io.trainscope.server.TrainingSession;
import io.trainscope.server.auth.AccessTokens;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A model change whose call ends before the training loop reaches a step boundary is withdrawn:
 * it is never applied later. Here the boundary is held by a long evaluation of a real training
 * (8,000 test images, 4 a batch), which serves reads between its batches but no model change.
 */
class WithdrawnCommandsGrpcTest {

    private static TrainingSession session;
    private static ManagedChannel channel;

    @BeforeAll
    static void start() throws Exception {
        session = LiveRun.shapes(AccessTokens.none(), true, 2_000, 8_000);
        channel = NettyChannelBuilder.forAddress("127.0.0.1", session.server().port()).usePlaintext().build();
        LiveRun.await("model built", () -> session.experiment().model().isPresent(), 60);
        CommandResponse small = stub().experimentCommand(TrainerCommand.newBuilder().setHyperParameterChange(
                HyperParameterCommand.newBuilder().setHyperParameters(HyperParameters.newBuilder().setTestBatchSize(4))).build());
        assertThat(small.getSuccess()).as(small.getMessage()).isTrue();
    }

    @AfterAll
    static void stop() throws Exception {
        channel.shutdownNow();
        session.close();
        session = null; // the class stays loaded after its tests: let the closed session go
    }

    @AfterEach
    void noEvaluationLeft() throws Exception {
        stub().cancelEvaluation(CancelEvaluationRequest.getDefaultInstance());
        LiveRun.await("no evaluation active", () -> !Set.of("requested", "running").contains(evaluationStatus()), 30);
    }

    @Test
    void aFreezeWhoseDeadlinePassedBeforeTheBoundaryIsNeverApplied() throws Exception {
        evaluationHoldsTheBoundary();

        assertThatThrownBy(() -> stub().withDeadlineAfter(1, TimeUnit.SECONDS).manipulateWeights(WeightsOperationRequest
                .newBuilder().setWeightOperation(WeightOperation.newBuilder().setOpType(WeightOperationType.FREEZE)
                        .setLayerId(7).addNeuronIds(NeuronId.newBuilder().setLayerId(7).setNeuronId(3))).build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED));
        assertThat(evaluationStatus()).as("the evaluation still held the boundary").isEqualTo("running");
        boundaryReachedAfterTheEvaluation();

        assertThat(layers().getLayerRepresentationsList().stream().filter(l -> l.getLayerId() == 7).findFirst().orElseThrow()
                .getNeuronsStatistics(3).getLearningRate()).as("neuron 3 of layer 7 is not frozen").isEqualTo(1f);
        assertThat(lastAudited("weights_operation")).startsWith("refused: Could not operate on the model: the call")
                .endsWith("the command was withdrawn, nothing was changed");
    }

    @Test
    void aRestoreWhoseDeadlinePassedBeforeTheBoundaryIsNeverApplied() throws Exception {
        CommandResponse saved = stub().experimentCommand(TrainerCommand.newBuilder()
                .setSaveCheckpointOperation(SaveCheckpointOperation.getDefaultInstance()).build());
        assertThat(saved.getSuccess()).as(saved.getMessage()).isTrue();
        String run = session.experiment().runHash();
        evaluationHoldsTheBoundary();

        assertThatThrownBy(() -> stub().withDeadlineAfter(1, TimeUnit.SECONDS).restoreCheckpoint(RestoreCheckpointRequest
                .newBuilder().setExperimentHash(run).build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED));
        assertThat(evaluationStatus()).as("the evaluation still held the boundary").isEqualTo("running");
        boundaryReachedAfterTheEvaluation();

        assertThat(session.experiment().runHash()).as("no restore started a branch").isEqualTo(run);
        assertThat(lastAudited("checkpoint_restore")).contains("the command was withdrawn, nothing was changed");
    }

    private static void evaluationHoldsTheBoundary() throws InterruptedException {
        assertThat(stub().triggerEvaluation(TriggerEvaluationRequest.newBuilder().setSplitName("test").setUseFullSet(true)
                .build()).getSuccess()).isTrue();
        LiveRun.await("evaluation running", () -> evaluationStatus().equals("running"), 30);
    }

    /** Cancels the evaluation, then waits for a command that needs a boundary: any command queued before it has run by then. */
    private static void boundaryReachedAfterTheEvaluation() throws InterruptedException {
        stub().cancelEvaluation(CancelEvaluationRequest.getDefaultInstance());
        LiveRun.await("evaluation canceled", () -> evaluationStatus().equals("canceled"), 30);
        CommandResponse saved = stub().experimentCommand(TrainerCommand.newBuilder()
                .setSaveCheckpointOperation(SaveCheckpointOperation.getDefaultInstance()).build());
        assertThat(saved.getSuccess()).as(saved.getMessage()).isTrue();
    }

    /** The result of the last {@code action} audited, once one is (the server audits after the client gave up). */
    private static String lastAudited(String action) throws InterruptedException {
        LiveRun.await(action + " audited", () -> lastResult(action).contains("withdrawn"), 10);
        return lastResult(action);
    }

    private static String lastResult(String action) {
        List<AuditEntry> entries = session.experiment().audit().recent();
        return entries.stream().filter(e -> e.action().equals(action)).reduce((a, b) -> b).map(AuditEntry::result)
                .orElse("");
    }

    private static CommandResponse layers() {
        return stub().experimentCommand(TrainerCommand.newBuilder().setGetInteractiveLayers(true).build());
    }

    private static String evaluationStatus() {
        return stub().getEvaluationStatus(GetEvaluationStatusRequest.getDefaultInstance()).getStatus();
    }

    private static ExperimentServiceGrpc.ExperimentServiceBlockingStub stub() {
        return ExperimentServiceGrpc.newBlockingStub(channel).withDeadlineAfter(60, TimeUnit.SECONDS);
    }
}
