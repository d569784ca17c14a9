package io.trainscope.core.samples;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.duckdb.DuckDBConnection;

/**
 * The per-sample data plane of a run, kept in its DuckDB file: one row per sample with its
 * latest loss, prediction and confidence, its tags and discard flag, and every sample's loss
 * history. The training loop {@link #record records} batches without waiting; edits are durable
 * when their future completes; {@link #views()} and {@link #analysis()} read.
 *
 * <pre>{@code
 * try (SampleStore samples = SampleStore.open(runDir.resolve("experiment.duckdb"), List.of(Split.of("train", labels)))) {
 *     samples.record(new BatchStats("train", step, ids, predictions, confidences, losses));
 *     samples.edit(new SampleEdit.SetDiscarded(List.of(new SampleKey("train", 7)), true)).join();
 * }
 * }</pre>
 */
public final class SampleStore implements AutoCloseable {

    private final DuckDBConnection writerConnection;
    private final DuckDBConnection readerConnection;
    private final SampleSpace space;
    private final SampleWriter writer;
    private final DiscardedSamples discarded = new DiscardedSamples();
    private final SampleViews views;
    private final SampleAnalysis analysis;
    private final SampleSignals signals;

    private SampleStore(DuckDBConnection writerConnection, DuckDBConnection readerConnection) {
        this.writerConnection = writerConnection;
        this.readerConnection = readerConnection;
        this.space = new SampleSpace();
        this.writer = new SampleWriter(writerConnection, space, discarded, () -> {});
        this.views = new SampleViews(readerConnection, writer::mergeBeforeRead);
        this.analysis = new SampleAnalysis(views);
        this.signals = new SampleSignals(views);
    }

    /**
     * Opens the sample table of {@code file}, adding the rows of splits it does not have yet.
     * Splits already there keep their statistics, tags and discards.
     */
    public static SampleStore open(Path file, List<Split> splits) {
        requireNonNull(file, "file");
        requireNonNull(splits, "splits");
        DuckDBConnection writer = null;
        try {
            writer = SampleSchema.connect(file);
            SampleStore store = new SampleStore(writer, (DuckDBConnection) writer.duplicate());
            try {
                store.writer.onWriterThread(() -> {
                    store.writer.register(splits, store.discarded);
                    return null;
                }).get(5, TimeUnit.MINUTES);
            } catch (ExecutionException e) {
                store.close();
                throw e.getCause() instanceof RuntimeException r ? r : new SampleStorageException(e.getMessage(), e);
            }
            return store;
        } catch (SQLException e) {
            closeQuietly(writer);
            throw new SampleStorageException("Cannot open the sample table in " + file + ": " + e.getMessage(), e);
        } catch (InterruptedException | TimeoutException e) {
            throw new SampleStorageException("Registering the samples of " + file + " did not finish: " + e, e);
        }
    }

    /**
     * Queues one step's per-sample statistics; never blocks (training thread).
     *
     * @throws IllegalArgumentException if the table has no such split or ids (a statistic the
     *     writer could never store, refused here rather than failing every later flush)
     */
    public void record(BatchStats stats) {
        writer.record(stats);
    }

    /** Applies an edit; completes once it is in the file, or exceptionally with the reason it was refused. */
    public CompletableFuture<SampleEdit.Result> edit(SampleEdit edit) {
        return writer.edit(requireNonNull(edit, "edit"));
    }

    /**
     * Writes every queued statistic; completes when they are in the file. Reads merge by
     * themselves when the last flush is over a second old; call this to include the latest step.
     */
    public CompletableFuture<Void> flush() {
        return writer.flush();
    }

    /** The samples the sampler must skip; read at every draw. */
    public DiscardedSamples discarded() {
        return discarded;
    }

    public SampleViews views() {
        return views;
    }

    /** Per-sample losses by step: a step's samples, a sample's trajectory. */
    public SampleSignals signals() {
        return signals;
    }

    public SampleAnalysis analysis() {
        return analysis;
    }

    /** The registered splits, in registration order. */
    public List<String> origins() {
        return space.origins();
    }

    @Override
    public void close() {
        writer.close();
        closeQuietly(readerConnection);
        closeQuietly(writerConnection);
    }

    private static void closeQuietly(DuckDBConnection connection) {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // closing: nothing more to save
            }
        }
    }
}
