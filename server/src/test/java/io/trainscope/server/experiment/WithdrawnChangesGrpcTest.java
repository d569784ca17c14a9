package io.trainscope.server.experiment;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Context;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.trainscope.core.audit.AuditEntry;
import io.trainscope.proto.weightslab.CommandResponse;
import io.trainscope.proto.weightslab.ExperimentServiceGrpc;
import io.trainscope.proto.weightslab.HyperParameterCommand;
import io.trainscope.proto.weightslab.HyperParameters;
import io.trainscope.proto.weightslab.TrainerCommand;
import io.trainscope.server.ServedExperiment;
import io.trainscope.server.ServerSettings;
import io.trainscope.server.limits.RpcLimits;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A change that waits for a step boundary and whose call ends first (the client's deadline, the
 * server's, or a cancel) is withdrawn: when the training thread reaches the boundary later, it
 * does not apply it. Nothing trains here, so no boundary comes until the test serves one.
 */
class WithdrawnChangesGrpcTest {

    private static final Duration SERVER_DEADLINE = Duration.ofSeconds(1);
    private static final float LEARNING_RATE = 1e-3f;

    @TempDir
    static Path run;
    private static ServedExperiment served;

    @BeforeAll
    static void serve() {
        served = ServedExperiment.start(run, ServerSettings.loopback()
                .withLimits(RpcLimits.defaults().withUnaryDeadline(SERVER_DEADLINE)));
    }

    @AfterAll
    static void stop() throws InterruptedException {
        served.close();
        served = null; // the class stays loaded after its tests: let the closed experiment go
    }

    @AfterEach
    void theLateBoundaryChangesNothing() throws Exception {
        await(() -> served.experiment.gate().pendingCommands() == 0);
        served.experiment.gate().serveWithinStep(0); // the boundary the call did not wait for

        assertThat(served.experiment.hyperParameters().learningRate()).isEqualTo(LEARNING_RATE);
    }

    @Test
    void aChangeWhoseClientDeadlinePassedIsWithdrawnAndAuditedSo() throws Exception {
        int before = learningRateResults().size();
        Status status = changeLearningRate(ExperimentServiceGrpc.newStub(served.channel()).withDeadlineAfter(200, TimeUnit.MILLISECONDS))
                .get(20, TimeUnit.SECONDS);

        assertThat(status.getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED);
        // Which comes first, the client's cancel at its deadline or the server's own timer for it, is a race.
        assertThat(auditedResult(before)).startsWith("refused: Failed to set hyperparameters: the call")
                .endsWith("before the training loop reached a step boundary; the command was withdrawn, nothing was changed");
    }

    @Test
    void aChangeWhoseServerDeadlinePassedIsWithdrawn() throws Exception {
        int before = learningRateResults().size();
        Status status = changeLearningRate(ExperimentServiceGrpc.newStub(served.channel())).get(20, TimeUnit.SECONDS);

        assertThat(status.getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED);
        assertThat(auditedResult(before)).contains("the call's deadline passed");
    }

    @Test
    void aChangeWhoseCallTheClientCancelledIsWithdrawn() throws Exception {
        int before = learningRateResults().size();
        Context.CancellableContext call = Context.current().withCancellation();
        CompletableFuture<Status> closed = call.call(() -> changeLearningRate(ExperimentServiceGrpc.newStub(served.channel())
                .withDeadlineAfter(20, TimeUnit.SECONDS)));
        Thread.sleep(200); // the request reaches the server and waits for a boundary

        call.cancel(null);

        assertThat(closed.get(20, TimeUnit.SECONDS).getCode()).isEqualTo(Status.Code.CANCELLED);
        assertThat(auditedResult(before)).contains("the call ended (the client cancelled it");
    }

    /** The audited result of the next learning-rate change after the {@code before} already audited. */
    private static String auditedResult(int before) throws InterruptedException {
        await(() -> learningRateResults().size() > before);
        return learningRateResults().get(before);
    }

    private static List<String> learningRateResults() {
        return served.experiment.audit().recent().stream().filter(e -> e.parameters().containsKey("learning_rate"))
                .map(AuditEntry::result).toList();
    }

    private static CompletableFuture<Status> changeLearningRate(ExperimentServiceGrpc.ExperimentServiceStub stub) {
        CompletableFuture<Status> closed = new CompletableFuture<>();
        stub.experimentCommand(TrainerCommand.newBuilder().setHyperParameterChange(HyperParameterCommand.newBuilder()
                .setHyperParameters(HyperParameters.newBuilder().setLearningRate(0.01f))).build(), new StreamObserver<>() {
                    @Override
                    public void onNext(CommandResponse value) {}

                    @Override
                    public void onError(Throwable t) {
                        closed.complete(Status.fromThrowable(t));
                    }

                    @Override
                    public void onCompleted() {
                        closed.complete(Status.OK);
                    }
                });
        return closed;
    }

    private static void await(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("within 10 s").isLessThan(deadline);
            Thread.sleep(10);
        }
    }
}
