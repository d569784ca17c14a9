package io.trainscope.app.fuzz;

import com.google.protobuf.InvalidProtocolBufferException;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.trainscope.app.LiveRun;
import io.trainscope.core.Experiment;
import io.trainscope.core.checkpoints.Checkpoint;
import io.trainscope.core.control.RunStatus;
import io.trainscope.core.hparams.LiveHyperParameters;
import io.trainscope.proto.weightslab.GetEvaluationStatusRequest;
import io.trainscope.core.hparams.HyperParameterUpdate;
import io.trainscope.core.samples.SampleEdit;
import io.trainscope.core.samples.SampleKey;
import io.trainscope.proto.v1.ControlAction;
import io.trainscope.proto.v1.ControlCommand;
import io.trainscope.proto.v1.MetricsRequest;
import io.trainscope.proto.weightslab.ExperimentServiceGrpc;
import io.trainscope.server.TrainingSession;
import io.trainscope.server.ServerSettings;
import io.trainscope.djl.data.GeneratedShapes;
import io.trainscope.djl.train.TrainingOptions;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The real training the fuzz properties hammer: a small run on loopback with two checkpoints to
 * restore and two tags to edit. Between tries it puts back what an accepted request may have
 * changed that would slow everything down (batch size, frequencies, modes).
 */
final class FuzzedServer implements AutoCloseable {

    static final int TRAIN = 2_000;
    static final int TEST = 200;
    private static final float LEARNING_RATE = 1e-3f;
    private static final int BATCH_SIZE = 32;

    /**
     * Fuzz calls per connection. Many refused calls make grpc-java reset their streams, and the
     * server (Netty's rapid-reset guard, as it should) closes a connection that resets too many
     * streams in a short window: a real client would reconnect, so the fuzz spreads its calls.
     */
    private static final int CALLS_PER_CONNECTION = 100;
    /** Rotations a retired connection stays open for, so a call that picked it just before a rotation still starts. */
    private static final int RETIRED_KEPT = 4;

    private final TrainingSession session;
    private final ManagedChannel channel;
    private final AtomicLong fuzzCalls = new AtomicLong();
    private final Deque<ManagedChannel> fuzzChannels = new ArrayDeque<>();
    private volatile ManagedChannel fuzzChannel;

    private FuzzedServer(TrainingSession session, ManagedChannel channel) {
        this.session = session;
        this.channel = channel;
        this.fuzzChannel = newChannel(session.server().port());
        fuzzChannels.add(fuzzChannel);
    }

    private static ManagedChannel newChannel(int port) {
        return NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().maxInboundMessageSize(64 * 1024 * 1024)
                .build();
    }

    static FuzzedServer start() throws Exception {
        // Epochs enough that the run never ends while the properties hammer it.
        TrainingSession session = TrainingSession.start(GeneratedShapes.create("shapes/train", TRAIN, 1),
                GeneratedShapes.create("shapes/test", TEST, 2), TrainingOptions.epochs(10_000), BATCH_SIZE, LEARNING_RATE,
                false, ServerSettings.loopback(), LiveRun.runDirectory());
        ManagedChannel channel = newChannel(session.server().port());
        FuzzedServer server = new FuzzedServer(session, channel);
        LiveRun.await("training runs", () -> session.experiment().step() > 10, 120);
        Experiment experiment = session.experiment();
        saveCheckpoint(experiment);
        awaitSteps(experiment, experiment.step() + 5);
        saveCheckpoint(experiment);
        for (String tag : List.of("fuzz_a", "fuzz_b")) {
            List<SampleKey> keys = new ArrayList<>();
            for (int id = 0; id < 50; id++) {
                keys.add(new SampleKey("train", id * 7L + tag.length()));
            }
            experiment.samples().edit(new SampleEdit.SetTag(keys, tag, true)).get(30, TimeUnit.SECONDS);
        }
        return server;
    }

    private static void saveCheckpoint(Experiment experiment) throws Exception {
        experiment.gate().submitAtBoundary(step -> experiment.checkpoints().takeNow()).get(60, TimeUnit.SECONDS)
                .get(60, TimeUnit.SECONDS);
    }

    /** The channel for the server's own reads (baseline, health). */
    ManagedChannel channel() {
        return channel;
    }

    /** A channel for one fuzz call: a new connection every {@value #CALLS_PER_CONNECTION} calls. */
    ManagedChannel fuzzChannel() {
        if (fuzzCalls.incrementAndGet() % CALLS_PER_CONNECTION == 0) {
            synchronized (fuzzChannels) {
                fuzzChannel = newChannel(session.server().port());
                fuzzChannels.addLast(fuzzChannel);
                if (fuzzChannels.size() > RETIRED_KEPT + 1) {
                    fuzzChannels.removeFirst().shutdown(); // graceful: its calls in flight finish
                }
            }
        }
        return fuzzChannel;
    }

    Experiment experiment() {
        return session.experiment();
    }

    int port() {
        return session.server().port();
    }

    RandomRequests.Known known() {
        Experiment experiment = experiment();
        List<String> hashes = new ArrayList<>(List.of(experiment.runHash()));
        List<Long> steps = new ArrayList<>();
        for (Checkpoint c : experiment.checkpoints().list()) {
            hashes.add(c.runHash());
            steps.add(c.step());
        }
        return new RandomRequests.Known(hashes, steps, experiment.samples().views().tags());
    }

    /** Puts the hyperparameters back to the run's own, ends any evaluation, and trains (or pauses) as asked. */
    void restoreBaseline(boolean training) throws Exception {
        Experiment experiment = experiment();
        if (experiment.evaluations().progress().state().isActive()) {
            experiment.evaluations().cancel("the fuzz try is over");
        }
        HyperParameterUpdate baseline = HyperParameterUpdate.none().withLearningRate(LEARNING_RATE)
                .withBatchSize(BATCH_SIZE).withValidationBatchSize(500).withTestBatchSize(500).withFullEvalFrequency(0)
                .withCheckpointFrequency(0).withAuditorMode(false).withEvaluationMode(false).withStepsToDo(0);
        var outcome = experiment.steering().change(baseline, Optional.of(training), Optional.empty()).get(60, TimeUnit.SECONDS);
        if (!outcome.success()) {
            throw new AssertionError("the baseline was refused: " + outcome.message());
        }
        LiveRun.await("no evaluation running", () -> !experiment.evaluations().progress().state().isActive(), 60);
        if (!training) {
            experiment.samples().flush().get(30, TimeUnit.SECONDS);
        }
    }

    /** As {@link #restoreBaseline}, only when something differs from it (most tries change nothing that lasts). */
    void restoreBaselineIfChanged(boolean training) throws Exception {
        Experiment experiment = experiment();
        LiveHyperParameters hp = experiment.hyperParameters();
        boolean same = hp.learningRate() == LEARNING_RATE && hp.batchSize() == BATCH_SIZE && hp.validationBatchSize() == 500
                && hp.testBatchSize() == 500 && hp.fullEvalFrequency() == 0 && hp.checkpointFrequency() == 0
                && !hp.auditorMode() && !hp.evaluationMode() && experiment.gate().stepsLeft(experiment.step()) < 0
                && experiment.gate().isPaused() != training && !experiment.evaluations().progress().state().isActive();
        if (!same) {
            restoreBaseline(training);
        }
    }

    /** A plain call answers, and the training has not failed. */
    boolean healthy() {
        var status = ExperimentServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
                .getEvaluationStatus(GetEvaluationStatusRequest.getDefaultInstance());
        return status != null && experiment().status() != RunStatus.FAILED;
    }

    static void awaitSteps(Experiment experiment, long step) throws InterruptedException {
        LiveRun.await("training reaches step " + step, () -> experiment.step() >= step, 120);
    }

    /**
     * True for bytes that would stop the training for good if the server parsed them (a STOP
     * control): the fuzz leaves those out, everything else it may send.
     */
    static boolean wouldStop(ServedMethods.Rpc rpc, byte[] bytes) {
        try {
            if (rpc.name().endsWith("/SendControl")) {
                return ControlCommand.parseFrom(bytes).getAction() == ControlAction.STOP;
            }
            if (rpc.name().endsWith("/StreamMetrics")) {
                return MetricsRequest.parseFrom(bytes).getControl().getAction() == ControlAction.STOP;
            }
        } catch (InvalidProtocolBufferException e) {
            return false;
        }
        return false;
    }

    @Override
    public void close() throws Exception {
        channel.shutdownNow();
        synchronized (fuzzChannels) {
            fuzzChannels.forEach(ManagedChannel::shutdownNow);
        }
        session.close();
    }
}
