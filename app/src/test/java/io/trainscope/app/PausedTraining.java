package io.trainscope.app;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.trainscope.core.Experiment;
import io.trainscope.proto.weightslab.CommandResponse;
import io.trainscope.proto.weightslab.ExperimentServiceGrpc;
import io.trainscope.proto.weightslab.HyperParameterCommand;
import io.trainscope.proto.weightslab.HyperParameters;
import io.trainscope.proto.weightslab.TrainerCommand;
import io.trainscope.server.TrainingSession;
import io.trainscope.server.auth.AccessTokens;
import java.util.concurrent.TimeUnit;

/**
 * A real training of the generated shapes, served on loopback and paused, with a plaintext gRPC
 * channel to it: the fixture of the tests that read a training which stands still between steps.
 */
final class PausedTraining implements AutoCloseable {

    private final TrainingSession session;
    private final ManagedChannel channel;

    private PausedTraining(TrainingSession session) {
        this.session = session;
        this.channel = NettyChannelBuilder.forAddress("127.0.0.1", session.server().port()).usePlaintext().build();
    }

    /** Started paused on {@code trainSize} training images; once its model is built, {@code steps} steps run over gRPC. */
    static PausedTraining afterSteps(int trainSize, int steps) throws Exception {
        PausedTraining training = new PausedTraining(LiveRun.shapes(AccessTokens.none(), true, trainSize));
        return training.closedIfFailing(() -> {
            LiveRun.await("model built", () -> training.experiment().model().isPresent(), 60);
            training.runSteps(steps);
        });
    }

    /** Started running on the default training set; paused once past step {@code step}, every sample's signals stored. */
    static PausedTraining pausedPast(long step) throws Exception {
        PausedTraining training = new PausedTraining(LiveRun.shapes(AccessTokens.none(), false));
        return training.closedIfFailing(() -> {
            LiveRun.await("training runs", () -> training.experiment().step() > step, 60);
            training.experiment().steering().pause().get(30, TimeUnit.SECONDS);
            training.experiment().samples().flush().join();
        });
    }

    Experiment experiment() {
        return session.experiment();
    }

    ManagedChannel channel() {
        return channel;
    }

    /** A blocking ExperimentService stub for one call, which has 60 s. */
    ExperimentServiceGrpc.ExperimentServiceBlockingStub stub() {
        return ExperimentServiceGrpc.newBlockingStub(channel).withDeadlineAfter(60, TimeUnit.SECONDS);
    }

    /** Runs {@code steps} more steps over gRPC and waits until training is paused after them. */
    void runSteps(int steps) throws InterruptedException {
        long target = experiment().step() + steps;
        CommandResponse run = stub().experimentCommand(TrainerCommand.newBuilder()
                .setHyperParameterChange(HyperParameterCommand.newBuilder()
                        .setHyperParameters(HyperParameters.newBuilder().setNbSteps(steps))).build());
        if (!run.getSuccess()) {
            throw new AssertionError("running " + steps + " steps: " + run.getMessage());
        }
        LiveRun.await(target + " steps", () -> experiment().step() == target && experiment().gate().isPaused(), 120);
    }

    @Override
    public void close() throws InterruptedException {
        channel.shutdownNow();
        session.close();
    }

    private interface Setup {
        void run() throws Exception;
    }

    /** A training whose setup failed is closed, so the next test class in this JVM does not train beside it. */
    private PausedTraining closedIfFailing(Setup setup) throws Exception {
        try {
            setup.run();
            return this;
        } catch (Exception | AssertionError e) {
            try {
                close();
            } catch (InterruptedException closing) {
                e.addSuppressed(closing);
                Thread.currentThread().interrupt();
            }
            throw e;
        }
    }
}
