package io.trainscope.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Context;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.trainscope.core.audit.AuditEntry;
import io.trainscope.proto.v1.ControlAction;
import io.trainscope.proto.v1.ControlCommand;
import io.trainscope.proto.v1.MetricsRequest;
import io.trainscope.proto.v1.MetricsServiceGrpc;
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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A model change or control command whose call ends before the training loop reaches a step
 * boundary is withdrawn: it is never applied later. For model changes the boundary is held by a
 * long evaluation of a real training (8,000 test images, 4 a batch), which serves reads between
 * its batches but no model change; control commands are served within an evaluation, so for them
 * the training thread is held by a command of the test's own.
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

    @Test
    void aResumeWhoseSendControlDeadlinePassedBeforeTheBoundaryIsNeverApplied() throws Exception {
        long step = session.experiment().step();
        long resumes = audited("resume");
        try (HeldTrainingThread held = new HeldTrainingThread()) {
            assertThatThrownBy(() -> MetricsServiceGrpc.newBlockingStub(channel).withDeadlineAfter(1, TimeUnit.SECONDS)
                    .sendControl(ControlCommand.newBuilder().setAction(ControlAction.RESUME).build()))
                    .isInstanceOfSatisfying(StatusRuntimeException.class,
                            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED));
            // The server's end of the call passes a moment after the client's: the command is withdrawn then.
            LiveRun.await("the resume audited", () -> audited("resume") > resumes, 10);
            assertThat(lastResult("resume")).startsWith("refused: the call").endsWith("the command was withdrawn, nothing was changed");
        }
        stillPausedAt(step);
    }

    @Test
    void aResumeOnAStreamCancelledBeforeTheBoundaryIsNeverApplied() throws Exception {
        long step = session.experiment().step();
        long resumes = audited("resume");
        try (HeldTrainingThread held = new HeldTrainingThread()) {
            Context.CancellableContext call = Context.current().withCancellation();
            call.run(() -> MetricsServiceGrpc.newStub(channel).streamMetrics(LiveStreamGrpcTest.collect(new LinkedBlockingQueue<>()))
                    .onNext(MetricsRequest.newBuilder().setControl(ControlCommand.newBuilder().setAction(ControlAction.RESUME)
                            .setRequestId("withdrawn")).build()));
            LiveRun.await("the resume is queued", () -> session.experiment().gate().pendingCommands() == 1, 30);
            call.cancel(null);
            LiveRun.await("the resume audited", () -> audited("resume") > resumes, 10);
            assertThat(lastResult("resume")).startsWith("refused: the call ended (the client cancelled it");
        }
        stillPausedAt(step);
    }

    /** After a command that needs the training thread: any queued before it has run by then. */
    private static void stillPausedAt(long step) throws Exception {
        session.experiment().gate().submit(at -> at).get(30, TimeUnit.SECONDS);
        Thread.sleep(500); // a resumed shapes run takes many steps in this time
        assertThat(session.experiment().gate().isPaused()).isTrue();
        assertThat(session.experiment().step()).isEqualTo(step);
    }

    /** Keeps the training thread in a command of its own until closed, so no other command can start. */
    private static final class HeldTrainingThread implements AutoCloseable {
        private final CountDownLatch release = new CountDownLatch(1);
        private final CompletableFuture<Long> held;

        HeldTrainingThread() throws InterruptedException {
            held = session.experiment().gate().submit(step -> {
                release.await(60, TimeUnit.SECONDS);
                return step;
            });
            LiveRun.await("the training thread runs the holding command", () -> session.experiment().gate().pendingCommands() == 0, 30);
        }

        @Override
        public void close() throws Exception {
            release.countDown();
            held.get(30, TimeUnit.SECONDS);
        }
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

    private static long audited(String action) {
        return session.experiment().audit().recent().stream().filter(e -> e.action().equals(action)).count();
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
