package io.trainscope.core;

import static java.util.Objects.requireNonNull;

import io.trainscope.core.audit.AuditLog;
import io.trainscope.core.checkpoints.Checkpoint;
import io.trainscope.core.checkpoints.Checkpoints;
import io.trainscope.core.checkpoints.LoopPosition;
import io.trainscope.core.checkpoints.RunNotes;
import io.trainscope.core.control.RunStatus;
import io.trainscope.core.control.Steering;
import io.trainscope.core.control.TrainingGate;
import io.trainscope.core.eval.Evaluations;
import io.trainscope.core.hparams.LiveHyperParameters;
import io.trainscope.core.live.LiveEvent;
import io.trainscope.core.live.LiveFeed;
import io.trainscope.core.live.StepMeter;
import io.trainscope.core.model.ModelLayers;
import io.trainscope.core.samples.SampleStore;
import io.trainscope.core.samples.Split;
import io.trainscope.core.signals.DuckDbSignalStore;
import io.trainscope.core.signals.SignalStore;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * One training run and everything that observes or steers it, wired explicitly: the gate
 * at its step boundary, its live hyperparameters, its live feed and its status. The
 * training loop writes to it; the server reads from it and steers through {@link #steering()}.
 */
public final class Experiment implements AutoCloseable {

    /** Durable events kept for reconnecting subscribers (about 4.5 h of steps at 60 steps/s). */
    private static final int EVENT_CAPACITY = 1_000_000;

    private final TrainingGate gate;
    private final LiveFeed feed = new LiveFeed(EVENT_CAPACITY);
    private final LiveHyperParameters hyperParameters;
    private final StepMeter meter = new StepMeter();
    private final Steering steering;
    private final Evaluations evaluations;
    private final Path runDirectory;
    private final AuditLog audit;
    private final DuckDbSignalStore signals;
    private final SampleStore samples;
    private volatile String runHash;
    private final Checkpoints checkpoints;
    private final RunNotes runNotes;
    private final RunDescription description;
    private volatile RunStatus status = RunStatus.INITIALIZING;
    private volatile String statusMessage = "";
    private volatile ModelLayers model;
    private volatile long step;
    private volatile int epoch;

    /** A run without per-sample data (tests of the control plane): its sample table refuses every statistic. */
    public Experiment(RunDescription description, boolean startPaused, Path runDirectory) {
        this(description, startPaused, runDirectory, List.of());
    }

    /**
     * A run whose files ({@code audit.jsonl}, {@code experiment.duckdb}, later its checkpoints)
     * live in {@code runDirectory}, with one sample-table row per sample of {@code splits}.
     */
    public Experiment(RunDescription description, boolean startPaused, Path runDirectory, List<Split> splits) {
        this.description = requireNonNull(description, "description");
        this.runDirectory = requireNonNull(runDirectory, "runDirectory");
        this.audit = AuditLog.open(runDirectory.resolve("audit.jsonl"));
        audit.onRecorded(entry -> feed.publish(new LiveEvent.AuditRecorded(entry))); // every watcher's log refreshes
        this.signals = DuckDbSignalStore.open(runDirectory.resolve("experiment.duckdb"));
        this.samples = SampleStore.open(runDirectory.resolve("experiment.duckdb"), splits);
        this.runHash = RunHash.of(description);
        this.hyperParameters = new LiveHyperParameters(description.learningRate(), description.batchSize());
        this.checkpoints = new Checkpoints(runDirectory, samples, new CheckpointOwner());
        this.runNotes = new RunNotes(runDirectory);
        this.gate = new TrainingGate(startPaused);
        this.steering = new Steering(this);
        this.evaluations = new Evaluations(this);
        gate.addListener(new TrainingGate.Listener() {
            @Override
            public void paused(long at) {
                setStatus(RunStatus.PAUSED, "Paused at step " + at);
            }

            @Override
            public void resumed(long at) {
                setStatus(RunStatus.RUNNING, "Resumed at step " + at);
            }
        });
        feed.publish(new LiveEvent.StatusChange(status, "Preparing " + description.modelName(), 0));
    }

    /** Publishes a change of state to every subscriber. */
    public void setStatus(RunStatus next, String message) {
        requireNonNull(next, "next");
        status = next;
        statusMessage = requireNonNull(message, "message");
        feed.publish(new LiveEvent.StatusChange(next, message, step));
    }

    /** Called by the training loop once its model exists; the layers are read on the training thread. */
    public void attachModel(ModelLayers layers) {
        model = requireNonNull(layers, "layers");
    }

    /** The model's layers, once training has built it. */
    public Optional<ModelLayers> model() {
        return Optional.ofNullable(model);
    }

    /** Called by the training loop after each step. */
    public void stepCompleted(long completedSteps, int currentEpoch) {
        step = completedSteps;
        epoch = currentEpoch;
    }

    public Path runDirectory() {
        return runDirectory;
    }

    /** The run's curves: every logged signal, kept in the run's DuckDB file. */
    public SignalStore signals() {
        return signals;
    }

    /**
     * The hash that names this run's curves and checkpoints: 8 hex digits each of its
     * hyperparameters, model and data. Restoring a checkpoint starts a branch with a new hash.
     */
    public String runHash() {
        return runHash;
    }

    /** The run's checkpoints: taken and put back on the training thread, kept in the run directory. */
    public Checkpoints checkpoints() {
        return checkpoints;
    }

    /** Names, notes and parents of the run's branches. */
    public RunNotes runNotes() {
        return runNotes;
    }

    /** What the checkpoints read and set of this run, on the training thread. */
    private final class CheckpointOwner implements Checkpoints.Owner {
        @Override
        public String runHash() {
            return runHash;
        }

        @Override
        public float learningRate() {
            return hyperParameters.learningRate();
        }

        @Override
        public int batchSize() {
            return hyperParameters.batchSize();
        }

        @Override
        public void restoreHyperParameters(float learningRate, int batchSize, long step) {
            hyperParameters.setLearningRate(learningRate, step);
            hyperParameters.setBatchSize(batchSize, step);
        }

        @Override
        public void branched(Checkpoint from, LoopPosition position) {
            runHash = RunHash.branch(from.runHash(), from.step(), runNotes.branchesFrom(from.id()) + 1);
            runNotes.setParent(runHash, from.id());
            gate.movedTo(position.step());
            stepCompleted(position.step(), position.epoch());
            // Watchers learn of the new branch even when no step follows (a restore on a paused run).
            setStatus(status, "Restored checkpoint " + from.id() + ": at step " + position.step() + " on new branch "
                    + runHash);
        }

        @Override
        public void resumed(Checkpoint checkpoint) {
            runHash = checkpoint.runHash();
            gate.movedTo(checkpoint.step());
            stepCompleted(checkpoint.step(), checkpoint.position().epoch());
        }
    }

    /** The run's per-sample table: statistics, tags, discards, views. */
    public SampleStore samples() {
        return samples;
    }

    /** Writes out and closes the run's files. */
    @Override
    public void close() {
        checkpoints.close();
        samples.close();
        signals.close();
        audit.close();
    }

    /** The run's record of user actions. */
    public AuditLog audit() {
        return audit;
    }

    public TrainingGate gate() {
        return gate;
    }

    public LiveFeed feed() {
        return feed;
    }

    public LiveHyperParameters hyperParameters() {
        return hyperParameters;
    }

    public StepMeter meter() {
        return meter;
    }

    public Steering steering() {
        return steering;
    }

    /** Evaluations on demand: trigger, progress, cancel; run by the training thread. */
    public Evaluations evaluations() {
        return evaluations;
    }

    public RunDescription description() {
        return description;
    }

    public RunStatus status() {
        return status;
    }

    /** What the last change of {@link #status()} said ("Training failed: …", "Completed at step 600"). */
    public String statusMessage() {
        return statusMessage;
    }

    /** Steps completed so far. */
    public long step() {
        return step;
    }

    public int epoch() {
        return epoch;
    }
}
