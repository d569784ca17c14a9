package io.trainscope.core.signals;

import io.trainscope.core.RunDatabase;
import java.nio.file.Path;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;

/**
 * The {@code signals} table of a run's DuckDB file: one row per point, in append order
 * ({@code seq}), written through DuckDB's appender; notes are updated in place. The database
 * may touch no file but its own and load no extension.
 */
final class SignalTable implements AutoCloseable {

    private static final String CREATE = """
            CREATE TABLE IF NOT EXISTS signals (
                seq BIGINT NOT NULL,
                metric VARCHAR NOT NULL,
                run_hash VARCHAR NOT NULL,
                step BIGINT NOT NULL,
                value FLOAT NOT NULL,
                ts TIMESTAMP NOT NULL,
                flags TINYINT NOT NULL,
                split VARCHAR,
                tags VARCHAR[],
                note VARCHAR
            )""";
    private static final String LOAD = "SELECT seq, metric, run_hash, step, value, CAST(epoch(ts) AS BIGINT), flags, split, "
            + "tags, note FROM signals ORDER BY seq";
    private static final String UPDATE_NOTE = "UPDATE signals SET note = ? WHERE metric = ? AND run_hash = ? AND step = ?";

    private final DuckDBConnection connection;
    private final DuckDBAppender appender;
    private final PreparedStatement updateNote;

    private SignalTable(DuckDBConnection connection) throws SQLException {
        this.connection = connection;
        try (Statement statement = connection.createStatement()) {
            statement.execute(CREATE);
            // Cannot be turned back on while the database runs; with it off no extension file can load either.
            // The configuration is not locked, so other tables of the run's file may still tune the database.
            statement.execute("SET enable_external_access = false");
        }
        this.appender = connection.createAppender(DuckDBConnection.DEFAULT_SCHEMA, "signals");
        this.updateNote = connection.prepareStatement(UPDATE_NOTE);
    }

    static SignalTable open(Path file) throws SQLException {
        Connection connection = RunDatabase.open(file);
        try {
            return new SignalTable(connection.unwrap(DuckDBConnection.class));
        } catch (SQLException | RuntimeException e) {
            connection.close();
            throw e;
        }
    }

    /** Feeds every stored point to {@code sink} in append order and returns the highest {@code seq} (0 when empty). */
    long load(Consumer<SignalPoint> sink) throws SQLException {
        long lastSeq = 0;
        try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(LOAD)) {
            while (rows.next()) {
                lastSeq = rows.getLong(1);
                SignalPoint point;
                try {
                    point = new SignalPoint(rows.getString(2), rows.getString(3), rows.getLong(4), rows.getFloat(5),
                            rows.getLong(6), SignalFlag.fromBits(rows.getByte(7)), orEmpty(rows.getString(8)),
                            tags(rows.getArray(9)), orEmpty(rows.getString(10)));
                } catch (IllegalArgumentException e) {
                    throw new SQLException("signals row seq=" + lastSeq + " is not a valid point: " + e.getMessage(), e);
                }
                sink.accept(point);
            }
        }
        return lastSeq;
    }

    /** Adds a row; it reaches the file at the next {@link #flush()}. */
    void append(long seq, SignalPoint point) throws SQLException {
        appender.beginRow()
                .append(seq)
                .append(point.metric())
                .append(point.runHash())
                .append(point.step())
                .append(point.value())
                .appendEpochMicros(point.timestampSeconds() * 1_000_000L)
                .append(SignalFlag.toBits(point.flags()));
        if (point.split().isEmpty()) {
            appender.appendNull();
        } else {
            appender.append(point.split());
        }
        if (point.tags().isEmpty()) {
            appender.appendNull();
        } else {
            appender.append(point.tags());
        }
        if (point.hasNote()) {
            appender.append(point.note());
        } else {
            appender.appendNull();
        }
        appender.endRow();
    }

    void flush() throws SQLException {
        appender.flush();
    }

    /** Sets (or with a blank note clears) the note of every row of a curve at a step; call after {@link #flush()}. */
    void updateNote(String metric, String runHash, long step, String note) throws SQLException {
        if (note.isBlank()) {
            updateNote.setNull(1, java.sql.Types.VARCHAR);
        } else {
            updateNote.setString(1, note);
        }
        updateNote.setString(2, metric);
        updateNote.setString(3, runHash);
        updateNote.setLong(4, step);
        updateNote.executeUpdate();
    }

    /** The value of a DuckDB setting, as text. */
    String setting(String name) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("SELECT current_setting(?)")) {
            statement.setString(1, name);
            try (ResultSet result = statement.executeQuery()) {
                result.next();
                return result.getString(1);
            }
        }
    }

    @Override
    public void close() throws SQLException {
        try (connection; updateNote; appender) {
            appender.flush();
        }
    }

    private static String orEmpty(String text) {
        return text == null ? "" : text;
    }

    private static List<String> tags(Array array) throws SQLException {
        if (array == null) {
            return List.of();
        }
        List<String> tags = new ArrayList<>();
        for (Object tag : (Object[]) array.getArray()) {
            tags.add(String.valueOf(tag));
        }
        return tags;
    }
}
