package io.trainscope.core.checkpoints;

import static java.util.Objects.requireNonNull;

import io.trainscope.core.samples.SampleEdit;
import io.trainscope.core.samples.SampleKey;
import io.trainscope.core.samples.SampleStore;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A run's checkpoints: taken on the training thread at a step boundary (a copy of the model,
 * the optimizer, the loop's position, the live learning rate and batch size, and the discards),
 * written to {@code <run>/checkpoints/} on a writer thread, and put back on the training thread.
 * Only the copy holds the training thread; the disk never does.
 */
public final class Checkpoints implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Checkpoints.class);

    /** What the experiment lends the checkpoints: its live values, read and set on the training thread. */
    public interface Owner {
        String runHash();

        float learningRate();

        int batchSize();

        /** Sets the hyperparameters a step reads, as they were at a checkpoint. */
        void restoreHyperParameters(float learningRate, int batchSize, long step);

        /** The loop now stands at {@code position} of a new branch forked from {@code from}. */
        void branched(Checkpoint from, LoopPosition position);

        /** The loop now stands where {@code checkpoint} was taken, on the same branch (a restart). */
        void resumed(Checkpoint checkpoint);
    }

    private final CheckpointFiles files;
    private final SampleStore samples;
    private final Owner owner;
    private final ExecutorService writer = Executors.newSingleThreadExecutor(task -> {
        Thread thread = new Thread(task, "checkpoint-writer");
        thread.setDaemon(true);
        return thread;
    });
    /** Every checkpoint on disk by id, read once when the run opens and kept up to date by the writer. */
    private final Map<String, Checkpoint> index = new ConcurrentHashMap<>();
    private volatile TrainingState training;
    private volatile boolean ended;
    private volatile long lastHoldNanos;
    private volatile long lastRestoreNanos;

    public Checkpoints(Path runDirectory, SampleStore samples, Owner owner) {
        this.files = new CheckpointFiles(requireNonNull(runDirectory, "runDirectory"));
        this.samples = requireNonNull(samples, "samples");
        this.owner = requireNonNull(owner, "owner");
        files.deleteUnfinished();
        for (Path file : files.all()) {
            try {
                Checkpoint checkpoint = files.read(file, false).checkpoint();
                index.put(checkpoint.id(), checkpoint);
            } catch (RuntimeException e) {
                LOG.warn("Skipping unreadable checkpoint {}: {}", file, e.getMessage());
            }
        }
    }

    /** Called by the training loop once its model and optimizer exist. */
    public void attach(TrainingState state) {
        training = requireNonNull(state, "state");
    }

    /**
     * Called by the training loop once it has ended and closed its model: from then on nothing can be
     * taken or put back, and the closed run no longer keeps the loop (and its data sets) reachable.
     */
    public void detach() {
        ended = true;
        training = null;
    }

    public boolean attached() {
        return training != null;
    }

    private IllegalStateException notAttached() {
        return new IllegalStateException(ended ? "training has ended: its model is gone" : "the model is not built yet");
    }

    /**
     * Training thread, at a step boundary: copies everything a step reads and writes it to disk
     * in the background. The future completes once the file is in place.
     */
    public CompletableFuture<Checkpoint> takeNow() {
        TrainingState state = training;
        if (state == null) {
            return CompletableFuture.failedFuture(notAttached());
        }
        long start = System.nanoTime();
        TrainingState.Snapshot snapshot = state.capture();
        Checkpoint checkpoint = new Checkpoint(owner.runHash(), snapshot.position(), owner.learningRate(),
                owner.batchSize(), samples.discarded().snapshot(), Instant.now());
        lastHoldNanos = System.nanoTime() - start;
        return CompletableFuture.supplyAsync(() -> {
            files.write(checkpoint, snapshot.model());
            index.put(checkpoint.id(), checkpoint);
            return checkpoint;
        }, writer);
    }

    /** How long the last {@link #takeNow} held the training thread. */
    public long lastHoldNanos() {
        return lastHoldNanos;
    }

    /**
     * Training thread, at a step boundary: puts {@code checkpoint} back, all of it or only the
     * weights, and starts a new branch from it.
     */
    public void restoreNow(Checkpoint checkpoint, boolean weightsOnly) {
        TrainingState state = training;
        if (state == null) {
            throw notAttached();
        }
        long start = System.nanoTime();
        CheckpointFiles.Stored stored = files.read(files.fileOf(checkpoint.runHash(), checkpoint.step()), true);
        state.restore(new TrainingState.Snapshot(stored.model(), checkpoint.position()), weightsOnly);
        if (!weightsOnly) {
            owner.restoreHyperParameters(checkpoint.learningRate(), checkpoint.batchSize(), checkpoint.step());
            restoreDiscards(checkpoint.discarded());
        }
        owner.branched(checkpoint, checkpoint.position());
        lastRestoreNanos = System.nanoTime() - start;
    }

    /** How long the last {@link #restoreNow} held the training thread (reading the file included). */
    public long lastRestoreNanos() {
        return lastRestoreNanos;
    }

    /**
     * Training thread, before the first step: continues from the newest checkpoint on disk, on its
     * own branch, as if the process had never stopped, with every edit in the sample table kept.
     * Empty when the run has none.
     */
    public Optional<Checkpoint> resumeLatest() {
        Optional<Checkpoint> latest = list().stream().max(Comparator.comparing(Checkpoint::created)
                .thenComparingLong(Checkpoint::step));
        latest.ifPresent(checkpoint -> {
            TrainingState state = training;
            if (state == null) {
                throw notAttached();
            }
            CheckpointFiles.Stored stored = files.read(files.fileOf(checkpoint.runHash(), checkpoint.step()), true);
            state.restore(new TrainingState.Snapshot(stored.model(), checkpoint.position()), false);
            owner.restoreHyperParameters(checkpoint.learningRate(), checkpoint.batchSize(), checkpoint.step());
            // The discards stay as the sample table has them: an edit acknowledged after this checkpoint (and
            // before a crash) is durable, and a restart must not undo it. Only a restore puts a branch's back.
            owner.resumed(checkpoint);
        });
        return latest;
    }

    /** The discard set of the checkpoint, at once for the sampler and durably in the table. */
    private void restoreDiscards(Map<String, int[]> saved) {
        Map<String, int[]> now = samples.discarded().snapshot();
        samples.discarded().replaceAll(saved);
        Set<String> origins = new HashSet<>(now.keySet());
        origins.addAll(saved.keySet());
        for (String origin : origins) {
            Set<Integer> before = ids(now.get(origin));
            Set<Integer> after = ids(saved.get(origin));
            List<SampleKey> discard = new ArrayList<>();
            List<SampleKey> restore = new ArrayList<>();
            after.stream().filter(id -> !before.contains(id)).forEach(id -> discard.add(new SampleKey(origin, id)));
            before.stream().filter(id -> !after.contains(id)).forEach(id -> restore.add(new SampleKey(origin, id)));
            if (!discard.isEmpty()) {
                samples.edit(new SampleEdit.SetDiscarded(discard, true));
            }
            if (!restore.isEmpty()) {
                samples.edit(new SampleEdit.SetDiscarded(restore, false));
            }
        }
    }

    private static Set<Integer> ids(int[] values) {
        Set<Integer> out = new HashSet<>();
        if (values != null) {
            for (int v : values) {
                out.add(v);
            }
        }
        return out;
    }

    /** Every checkpoint on disk, oldest step first within a run, runs by first checkpoint time. */
    public List<Checkpoint> list() {
        List<Checkpoint> out = new ArrayList<>(index.values());
        out.sort(Comparator.comparing(Checkpoint::created).thenComparing(Checkpoint::step));
        return out;
    }

    /** The checkpoint of {@code runHash} at {@code step}, or its latest when {@code step} is empty. */
    public Optional<Checkpoint> find(String runHash, Optional<Long> step) {
        return list().stream().filter(c -> c.runHash().equals(runHash))
                .filter(c -> step.isEmpty() || c.step() == step.get())
                .max(Comparator.comparingLong(Checkpoint::step));
    }

    /** The model state stored with {@code checkpoint} (for tests and tools). */
    public ModelState modelOf(Checkpoint checkpoint) {
        return files.read(files.fileOf(checkpoint.runHash(), checkpoint.step()), true).model();
    }

    /** Waits for checkpoints being written. */
    @Override
    public void close() {
        writer.shutdown();
        try {
            writer.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
