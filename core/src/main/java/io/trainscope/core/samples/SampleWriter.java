package io.trainscope.core.samples;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The only writer of the sample tables: one thread with its own connection. The training loop
 * hands it {@link BatchStats} without waiting; it appends them to the history and merges each
 * sample's latest values into {@code samples} when a reader needs them ({@link #mergeBeforeRead}),
 * and otherwise every {@link #FLUSH_MILLIS}. Edits run on the same thread, so they never
 * conflict with a merge, and complete once committed.
 */
final class SampleWriter implements AutoCloseable {

    /**
     * The background flush's interval. Readers merge first, so it only bounds what a killed
     * process loses (a resumed run trains those steps again) and how much is merged at once.
     * Each flush pays a fixed cost of a few ms (a join over the whole table, a commit), so
     * flushing every second, as before, cost about 0.2 ms of CPU per training step more.
     */
    static final long FLUSH_MILLIS = 5000;
    /**
     * A read merges first unless the last flush is younger than this: a reader sees the table at
     * most this far behind training, and fifty dashboards polling at once cause one merge a
     * second, not fifty.
     */
    static final long READ_STALENESS_MILLIS = 1000;
    /** Steps' statistics kept while writes fail: a few minutes of training. */
    private static final int MAX_UNWRITTEN = 20_000;

    private static final Logger LOG = LoggerFactory.getLogger(SampleWriter.class);
    private static final String MERGE = """
            UPDATE samples SET prediction = u.prediction, confidence = u.confidence, loss = u.loss,
                encounters = samples.encounters + u.seen, last_step = u.step
            FROM sample_updates u WHERE samples.row_key = u.row_key""";

    private record Latest(long step, int prediction, float confidence, float loss, int seen) {}

    private final DuckDBConnection connection;
    private final SampleSpace space;
    private final ScheduledExecutorService thread;
    private final ConcurrentLinkedQueue<BatchStats> pending = new ConcurrentLinkedQueue<>();
    /** Taken from {@link #pending} but not yet committed; only the writer thread touches it. */
    private final List<BatchStats> unwritten = new ArrayList<>();
    private final SampleEdits edits;
    /** The number the next recorded batch gets in {@code sample_history.batch_no}; read from the file at first use. */
    private long nextBatchNo = -1;
    private volatile Thread writerThread;
    /** When the last flush that wrote something ended; the epoch of {@link System#nanoTime} before the first. */
    private volatile long lastFlushNanos = System.nanoTime() - TimeUnit.DAYS.toNanos(1);

    SampleWriter(DuckDBConnection connection, SampleSpace space, DiscardedSamples discarded, Runnable schemaChanged) {
        this.connection = connection;
        this.space = space;
        this.edits = new SampleEdits(connection, space, discarded, schemaChanged);
        this.thread = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread t = new Thread(task, "samples-writer");
            t.setDaemon(true);
            writerThread = t;
            return t;
        });
        thread.scheduleWithFixedDelay(this::flushInBackground, FLUSH_MILLIS, FLUSH_MILLIS, TimeUnit.MILLISECONDS);
    }

    /** Queues a step's per-sample statistics; never blocks. */
    void record(BatchStats stats) {
        int size = space.size(stats.origin());
        for (int id : stats.ids()) {
            if (id < 0 || id >= size) {
                throw new IllegalArgumentException("The sample table has no sample " + id + " in split '" + stats.origin()
                        + "' (splits: " + space.origins() + ")");
            }
        }
        pending.add(stats);
    }

    /** Runs {@code edit} on the writer thread; completes once it is committed, or with the reason it was refused. */
    CompletableFuture<SampleEdit.Result> edit(SampleEdit edit) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return edits.apply(edit);
            } catch (SQLException e) {
                throw new SampleStorageException("The edit could not be written: " + e.getMessage(), e);
            }
        }, thread);
    }

    /**
     * Called before every read of the tables: merges what training has queued, unless the last
     * flush is younger than {@link #READ_STALENESS_MILLIS}. If the merge fails, the read goes on
     * with what the file has, and the statistics stay queued for the next flush.
     */
    void mergeBeforeRead() {
        if (pending.isEmpty() || Thread.currentThread() == writerThread
                || System.nanoTime() - lastFlushNanos < TimeUnit.MILLISECONDS.toNanos(READ_STALENESS_MILLIS)) {
            return;
        }
        try {
            flush().join();
        } catch (CompletionException e) {
            LOG.error("Per-sample statistics could not be merged before a read; it sees the table without them", e.getCause());
        }
    }

    /** Writes every queued statistic now; completes when they are in the file. */
    CompletableFuture<Void> flush() {
        return CompletableFuture.runAsync(() -> {
            try {
                flushPending();
            } catch (SQLException e) {
                throw new SampleStorageException("Per-sample statistics could not be written: " + e.getMessage(), e);
            }
        }, thread);
    }

    private void flushInBackground() {
        try {
            flushPending();
        } catch (SQLException | RuntimeException e) {
            LOG.error("Per-sample statistics could not be written; will retry", e);
        }
    }

    /**
     * Appends what is queued to the history and merges each sample's latest values into
     * {@code samples}, in one transaction (one commit a flush). If it fails, nothing of it is in
     * the file and the statistics are kept for the next flush.
     */
    private void flushPending() throws SQLException {
        BatchStats next;
        while ((next = pending.poll()) != null) {
            unwritten.add(next);
        }
        if (unwritten.size() > MAX_UNWRITTEN) { // the file has refused writes for minutes: keep memory bounded
            int dropped = unwritten.size() - MAX_UNWRITTEN;
            unwritten.subList(0, dropped).clear();
            LOG.error("Dropped the per-sample statistics of {} steps that could not be written", dropped);
        }
        if (unwritten.isEmpty()) {
            return;
        }
        if (nextBatchNo < 0) {
            nextBatchNo = lastBatchNo() + 1;
        }
        try (Statement statement = connection.createStatement()) {
            statement.execute("BEGIN TRANSACTION");
            try {
                appendHistoryAndUpdates();
                statement.execute(MERGE);
                statement.execute("DELETE FROM sample_updates");
                statement.execute("COMMIT");
            } catch (SQLException | RuntimeException e) {
                rollBack(statement, e);
                throw e;
            }
        }
        nextBatchNo += unwritten.size();
        unwritten.clear();
        lastFlushNanos = System.nanoTime();
    }

    /** Undoes the failed flush; a failed COMMIT has rolled back already, and the flush's own error is the one to report. */
    private static void rollBack(Statement statement, Exception cause) {
        try {
            statement.execute("ROLLBACK");
        } catch (SQLException e) {
            cause.addSuppressed(e);
        }
    }

    private long lastBatchNo() throws SQLException {
        try (Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("SELECT coalesce(max(batch_no), 0) FROM sample_history")) {
            rows.next();
            return rows.getLong(1);
        }
    }

    /** Every queued statistic into {@code sample_history}, and each sample's latest into {@code sample_updates}. */
    private void appendHistoryAndUpdates() throws SQLException {
        Map<Integer, Latest> latest = new HashMap<>();
        try (DuckDBAppender history = connection.createAppender(DuckDBConnection.DEFAULT_SCHEMA, "sample_history")) {
            long batchNo = nextBatchNo;
            for (BatchStats stats : unwritten) {
                for (int i = 0; i < stats.ids().length; i++) {
                    int row = space.row(stats.origin(), stats.ids()[i]);
                    history.beginRow();
                    history.append(stats.step());
                    history.append(row);
                    history.append(stats.losses()[i]);
                    history.append(stats.predictions()[i]);
                    history.append(batchNo);
                    history.endRow();
                    Latest before = latest.get(row);
                    latest.put(row, new Latest(stats.step(), stats.predictions()[i], stats.confidences()[i],
                            stats.losses()[i], before == null ? 1 : before.seen() + 1));
                }
                batchNo++;
            }
        }
        try (DuckDBAppender updates = connection.createAppender(DuckDBConnection.DEFAULT_SCHEMA, "sample_updates")) {
            for (Map.Entry<Integer, Latest> entry : latest.entrySet()) {
                Latest value = entry.getValue();
                updates.beginRow();
                updates.append(entry.getKey().intValue());
                updates.append(value.step());
                updates.append(value.prediction());
                updates.append(value.confidence());
                updates.append(value.loss());
                updates.append(value.seen());
                updates.endRow();
            }
        }
    }

    /** Inserts the splits the table does not have yet and checks the sizes of those it has. */
    void register(List<Split> splits, DiscardedSamples discarded) throws SQLException {
        for (Split split : splits) {
            int base = space.add(split.origin(), split.size());
            long stored = count(split.origin());
            if (stored == 0) {
                insert(split, base);
            } else if (stored != split.size()) {
                throw new SampleStorageException("The run's table has " + stored + " samples of split '" + split.origin()
                        + "' but the data has " + split.size() + "; use a new run directory for different data", null);
            }
        }
        try (Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("SELECT origin, sample_id FROM samples WHERE discarded")) {
            while (rows.next()) {
                discarded.set(rows.getString(1), rows.getLong(2), true);
            }
        }
    }

    private long count(String origin) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("SELECT count(*) FROM samples WHERE origin = ?")) {
            statement.setString(1, origin);
            try (ResultSet rows = statement.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        }
    }

    private void insert(Split split, int base) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            for (String column : split.metadata().keySet()) {
                if (SampleSchema.CORE_COLUMNS.contains(column) || SampleSchema.isTagColumn(column)) {
                    throw new IllegalArgumentException("metadata column '" + column + "' would hide a core column or a tag");
                }
                statement.execute("ALTER TABLE samples ADD COLUMN IF NOT EXISTS " + SampleSchema.quote(column) + " INTEGER");
            }
        }
        List<String> extra = new ArrayList<>(SampleSchema.columns(connection).keySet());
        extra.removeAll(SampleSchema.CORE_COLUMNS);
        try (DuckDBAppender appender = connection.createAppender(DuckDBConnection.DEFAULT_SCHEMA, "samples")) {
            for (int id = 0; id < split.size(); id++) {
                appender.beginRow();
                appender.append(base + id);
                appender.append(split.origin());
                appender.append((long) id);
                appender.append(split.labels()[id]);
                appender.appendNull();
                appender.appendNull();
                appender.appendNull();
                appender.append(0);
                appender.appendNull();
                appender.append(false);
                for (String column : extra) {
                    int[] values = split.metadata().get(column);
                    if (values != null) {
                        appender.append(values[id]);
                    } else if (SampleSchema.isTagColumn(column)) {
                        appender.append(false);
                    } else {
                        appender.appendNull();
                    }
                }
                appender.endRow();
            }
        }
    }

    /** Writes what is queued and stops the thread. */
    @Override
    public void close() {
        try {
            flush().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.error("Per-sample statistics could not be written on close", e);
        }
        thread.shutdown();
        try {
            thread.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Runs {@code work} on the writer thread (for setup that must not race a flush). */
    <T> CompletableFuture<T> onWriterThread(SqlWork<T> work) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return work.run();
            } catch (SQLException e) {
                throw new SampleStorageException(e.getMessage(), e);
            }
        }, thread);
    }

    @FunctionalInterface
    interface SqlWork<T> {
        T run() throws SQLException;
    }
}
