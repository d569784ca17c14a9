package io.trainscope.core.signals;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link SignalStore} held in memory and kept in the run's DuckDB file, so a restarted run finds
 * its curves and notes again. The training thread only appends to memory; a writer thread copies
 * new points into the file at least every {@link #FLUSH_INTERVAL} and on close. A note is in the
 * file before {@link #setNote} returns.
 *
 * <pre>{@code
 * try (DuckDbSignalStore signals = DuckDbSignalStore.open(runDir.resolve("experiment.duckdb"))) {
 *     signals.append("train/loss", runHash, step, loss);
 * }
 * }</pre>
 */
public final class DuckDbSignalStore implements SignalStore, AutoCloseable {

    /**
     * Readers use memory, so this only bounds what a killed process loses (a resumed run trains
     * those steps again). Each write is a DuckDB commit: every 200 ms it cost the training's
     * other core 0.09 ms of CPU per step more (docs/BENCHMARKS.md, session 5).
     */
    public static final Duration FLUSH_INTERVAL = Duration.ofSeconds(1);

    private static final Logger LOG = LoggerFactory.getLogger(DuckDbSignalStore.class);
    private static final int BATCH = 8192;

    private final InMemorySignalStore memory;
    private final SignalTable table;
    private final Path file;
    /** The file's {@code seq} minus the memory's sequence number of the same point. */
    private final long seqOffset;
    private final ScheduledExecutorService writer;
    private final Object writeLock = new Object();
    private long persisted;
    private SignalStorageException failure;
    private boolean closed;

    private DuckDbSignalStore(InMemorySignalStore memory, SignalTable table, Path file, long seqOffset) {
        this.memory = memory;
        this.table = table;
        this.file = file;
        this.seqOffset = seqOffset;
        this.persisted = memory.size();
        this.writer = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "signals-writer " + file.getFileName());
            thread.setDaemon(true);
            return thread;
        });
        long period = FLUSH_INTERVAL.toMillis();
        writer.scheduleWithFixedDelay(this::persistInBackground, period, period, TimeUnit.MILLISECONDS);
    }

    /** Opens (or creates) the signals of the DuckDB file {@code file}, loading every stored point and note into memory. */
    public static DuckDbSignalStore open(Path file) {
        return open(file, Clock.systemUTC());
    }

    /** As {@link #open(Path)}, stamping new points and timing out idle clients with {@code clock}. */
    public static DuckDbSignalStore open(Path file, Clock clock) {
        requireNonNull(file, "file");
        requireNonNull(clock, "clock");
        SignalTable table;
        try {
            table = SignalTable.open(file);
        } catch (SQLException e) {
            throw new SignalStorageException("Cannot open the signal database " + file + ": " + e.getMessage(), e);
        }
        try {
            InMemorySignalStore memory = new InMemorySignalStore(clock);
            long lastSeq = table.load(memory::append);
            return new DuckDbSignalStore(memory, table, file, lastSeq - memory.size());
        } catch (SQLException | RuntimeException e) {
            try {
                table.close();
            } catch (SQLException closing) {
                e.addSuppressed(closing);
            }
            throw new SignalStorageException("Cannot load the signals of " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void append(String metric, String runHash, long step, float value) {
        memory.append(metric, runHash, step, value);
    }

    @Override
    public void append(String metric, String runHash, long step, float value, long timestampSeconds) {
        memory.append(metric, runHash, step, value, timestampSeconds);
    }

    @Override
    public void append(SignalPoint point) {
        memory.append(point);
    }

    @Override
    public List<SignalPoint> readNew(String clientId, int limit) {
        return memory.readNew(clientId, limit);
    }

    @Override
    public SignalHistory history(HistoryQuery query) {
        return memory.history(query);
    }

    /** {@inheritDoc} The note is written to the file (with every point appended before it) before this returns. */
    @Override
    public void setNote(String metric, String runHash, long step, String note) {
        synchronized (writeLock) {
            checkOpen();
            memory.setNote(metric, runHash, step, note);
            persistLocked();
            try {
                table.updateNote(metric, runHash, step, note);
            } catch (SQLException e) {
                throw fail("Cannot save the note on " + metric + "@" + runHash + ":" + step, e);
            }
        }
    }

    @Override
    public long size() {
        return memory.size();
    }

    /** How many points are in the file. */
    public long persistedSize() {
        synchronized (writeLock) {
            return persisted;
        }
    }

    /** Writes every point appended so far to the file now. */
    public void flush() {
        synchronized (writeLock) {
            checkOpen();
            persistLocked();
        }
    }

    /** Writes what is left and closes the file; later appends stay in memory only. */
    @Override
    public void close() {
        synchronized (writeLock) {
            if (closed) {
                return;
            }
            closed = true;
        }
        writer.shutdown();
        try {
            if (!writer.awaitTermination(10, TimeUnit.SECONDS)) {
                LOG.warn("The signals writer of {} did not stop within 10 s", file);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (writeLock) {
            try {
                persistLocked();
            } finally {
                try {
                    table.close();
                } catch (SQLException e) {
                    throw fail("Cannot close the signal database " + file, e);
                }
            }
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("The signal database " + file + " is closed");
        }
    }

    private void persistInBackground() {
        synchronized (writeLock) {
            if (closed || failure != null) {
                return;
            }
            try {
                persistLocked();
            } catch (RuntimeException e) {
                SignalStorageException stored =
                        e instanceof SignalStorageException known ? known : fail("Cannot write signals to " + file, e);
                LOG.error("Signals are no longer written to {}; they stay in memory", file, stored);
            }
        }
    }

    private void persistLocked() {
        if (failure != null) {
            throw failure;
        }
        try {
            long written = persisted;
            long target = memory.size();
            while (written < target) {
                for (SignalPoint point : memory.pointsAfter(written, (int) Math.min(BATCH, target - written))) {
                    written++;
                    table.append(written + seqOffset, point);
                }
            }
            if (written > persisted) {
                table.flush();
                persisted = written;
            }
        } catch (SQLException e) {
            throw fail("Cannot write signals to " + file, e);
        }
    }

    private SignalStorageException fail(String message, Exception cause) {
        if (failure == null) {
            failure = new SignalStorageException(message + ": " + cause.getMessage(), cause);
        }
        return failure;
    }

    /** The value of a setting of the underlying database, for tests of its hardening. */
    String setting(String name) throws SQLException {
        synchronized (writeLock) {
            return table.setting(name);
        }
    }
}
