package io.trainscope.app;

import io.trainscope.djl.data.DemoData;
import io.trainscope.djl.data.GeneratedShapes;
import io.trainscope.djl.train.TrainingOptions;
import io.trainscope.proto.weightslab.CommandResponse;
import io.trainscope.proto.weightslab.ExperimentServiceGrpc;
import io.trainscope.proto.weightslab.HyperParameterCommand;
import io.trainscope.proto.weightslab.HyperParameters;
import io.trainscope.proto.weightslab.TrainerCommand;
import io.trainscope.server.ServerSettings;
import io.trainscope.server.TrainingSession;
import io.trainscope.server.auth.AccessTokens;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/** Starts real trainings on loopback for the end-to-end tests. */
public final class LiveRun {

    private LiveRun() {}

    /** The batch size of {@link #shapes} runs. */
    static final int BATCH_SIZE = 32;

    /**
     * A quick real training on the generated shapes, served on an ephemeral loopback port.
     * One process trains one model at a time (PyTorch's gradient recording is process-wide):
     * a second session in a test that already trains must start {@code paused}.
     */
    static TrainingSession shapes(AccessTokens tokens, boolean paused) {
        return shapes(tokens, paused, 20_000);
    }

    /** As {@link #shapes(AccessTokens, boolean)} with {@code trainSize} training images. */
    static TrainingSession shapes(AccessTokens tokens, boolean paused, int trainSize) {
        return shapes(tokens, paused, trainSize, 500);
    }

    /** As {@link #shapes(AccessTokens, boolean, int)} with {@code testSize} test images (long evaluations). */
    public static TrainingSession shapes(AccessTokens tokens, boolean paused, int trainSize, int testSize) {
        return shapes(ServerSettings.loopback().withTokens(tokens), paused, trainSize, testSize);
    }

    /** As {@link #shapes(AccessTokens, boolean)}, served with {@code settings} (TLS, limits). */
    static TrainingSession shapes(ServerSettings settings, boolean paused) {
        return shapes(settings, paused, 20_000, 500);
    }

    private static TrainingSession shapes(ServerSettings settings, boolean paused, int trainSize, int testSize) {
        return TrainingSession.start(GeneratedShapes.create("shapes/train", trainSize, 1),
                GeneratedShapes.create("shapes/test", testSize, 2), TrainingOptions.epochs(20), BATCH_SIZE, 1e-3f, paused,
                settings, runDirectory());
    }

    /** The demo's own training (Fashion-MNIST when installed), served on an ephemeral loopback port. */
    static TrainingSession demo() throws IOException {
        DemoData.Choice data = DemoData.choose(Optional.empty());
        return TrainingSession.start(data.train(), data.test(), TrainingOptions.epochs(10), 64, 1e-3f, false,
                ServerSettings.loopback(), runDirectory());
    }

    /** A fresh run directory under the build's target folder. */
    public static Path runDirectory() {
        try {
            Files.createDirectories(Path.of("target/runs"));
            return Files.createTempDirectory(Path.of("target/runs"), "run-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Over gRPC: a checkpoint every {@code every} steps and {@code steps} more steps; returns once
     * training has paused after them and the last checkpoint is on disk.
     */
    public static void trainWithCheckpoints(TrainingSession session, ExperimentServiceGrpc.ExperimentServiceBlockingStub stub,
            int every, int steps) throws InterruptedException {
        long target = session.experiment().step() + steps;
        String run = session.experiment().runHash();
        CommandResponse reply = stub.withDeadlineAfter(60, TimeUnit.SECONDS).experimentCommand(TrainerCommand.newBuilder()
                .setHyperParameterChange(HyperParameterCommand.newBuilder().setHyperParameters(
                        HyperParameters.newBuilder().setCheckpontFrequency(every).setNbSteps(steps))).build());
        if (!reply.getSuccess()) {
            throw new AssertionError(reply.getMessage());
        }
        await(steps + " steps, then paused",
                () -> session.experiment().step() == target && session.experiment().gate().isPaused(), 120);
        await("checkpoint at " + target + " written",
                () -> session.experiment().checkpoints().find(run, Optional.of(target)).isPresent(), 30);
    }

    public static void await(String what, BooleanSupplier condition, int seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + seconds + " s: " + what);
            }
            Thread.sleep(10);
        }
    }
}
