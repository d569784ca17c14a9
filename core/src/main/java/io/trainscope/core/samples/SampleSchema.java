package io.trainscope.core.samples;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import io.trainscope.core.RunDatabase;
import io.trainscope.core.samples.query.ColumnType;
import io.trainscope.core.samples.query.TableColumns;
import org.duckdb.DuckDBConnection;

/**
 * The per-sample tables of a run's DuckDB file and the rules for their column names.
 * {@code samples} has one row per sample and split; {@code row_key} numbers them densely across
 * splits and is how the writer, the views and the history refer to a sample. Tags are boolean
 * columns named {@code tag:<name>}; other metadata columns may be added by edits.
 */
final class SampleSchema {

    static final String TAG_PREFIX = "tag:";
    /** Columns every table has; none of them can be deleted or overwritten by an edit. */
    static final Set<String> CORE_COLUMNS = Set.of("row_key", "origin", "sample_id", "label", "prediction",
            "confidence", "loss", "encounters", "last_step", "discarded");
    /** What a person may name a tag: letters, digits and {@code _ . -}, up to 64 characters. */
    static final Pattern TAG_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.\\-]{0,63}");

    private static final String[] CREATE = {
        """
        CREATE TABLE IF NOT EXISTS samples (
            row_key INTEGER NOT NULL,
            origin VARCHAR NOT NULL,
            sample_id BIGINT NOT NULL,
            label INTEGER,
            prediction INTEGER,
            confidence FLOAT,
            loss FLOAT,
            encounters INTEGER NOT NULL DEFAULT 0,
            last_step BIGINT,
            discarded BOOLEAN NOT NULL DEFAULT false
        )""",
        // batch_no numbers the recorded batches in recording order: a step trained twice has two.
        "CREATE TABLE IF NOT EXISTS sample_history (step BIGINT NOT NULL, row_key INTEGER NOT NULL, "
                + "loss FLOAT NOT NULL, prediction INTEGER NOT NULL, batch_no BIGINT NOT NULL)",
        // Staging for the writer: filled by an appender, merged into samples, emptied, all on one thread.
        "CREATE TABLE IF NOT EXISTS sample_updates (row_key INTEGER NOT NULL, step BIGINT NOT NULL, "
                + "prediction INTEGER NOT NULL, confidence FLOAT NOT NULL, loss FLOAT NOT NULL, seen INTEGER NOT NULL)",
        "CREATE TABLE IF NOT EXISTS edit_rows (row_key INTEGER NOT NULL)",
        "DELETE FROM sample_updates",
        "DELETE FROM edit_rows",
    };

    private SampleSchema() {}

    /**
     * A new connection to {@code file} (one database per file in this process), with the tables
     * created and the database barred from every file but its own and from loading extensions.
     */
    static DuckDBConnection connect(java.nio.file.Path file) throws SQLException {
        Connection connection = RunDatabase.open(file);
        try (Statement statement = connection.createStatement()) {
            for (String sql : CREATE) {
                statement.execute(sql);
            }
            numberHistoryBatches(statement);
            statement.execute("SET enable_external_access = false");
            return connection.unwrap(DuckDBConnection.class);
        } catch (SQLException | RuntimeException e) {
            connection.close();
            throw e;
        }
    }

    /**
     * Gives a history written before {@code batch_no} existed its batch numbers: its rows are in
     * recording order, and a new number starts wherever the step changes. (A step retrained right
     * after itself stays one batch there; the writer numbers every batch it records.)
     */
    private static void numberHistoryBatches(Statement statement) throws SQLException {
        try (ResultSet found = statement.executeQuery("SELECT count(*) FROM information_schema.columns "
                + "WHERE table_name = 'sample_history' AND table_schema = 'main' AND column_name = 'batch_no'")) {
            found.next();
            if (found.getLong(1) > 0) {
                return;
            }
        }
        statement.execute("ALTER TABLE sample_history ADD COLUMN batch_no BIGINT DEFAULT 0");
        statement.execute("""
                UPDATE sample_history SET batch_no = numbered.batch_no FROM (
                    SELECT r, sum(starts) OVER (ORDER BY r) AS batch_no FROM (
                        SELECT rowid AS r, CASE WHEN step = lag(step) OVER (ORDER BY rowid) THEN 0 ELSE 1 END AS starts
                        FROM sample_history)) numbered
                WHERE sample_history.rowid = numbered.r""");
    }

    /** Every column of {@code samples} but {@code row_key}, in table order, with its DuckDB type. */
    static Map<String, String> columns(Connection connection) throws SQLException {
        Map<String, String> columns = new LinkedHashMap<>();
        try (Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("SELECT column_name, data_type FROM information_schema.columns "
                        + "WHERE table_name = 'samples' AND table_schema = 'main' ORDER BY ordinal_position")) {
            while (rows.next()) {
                if (!rows.getString(1).equals("row_key")) {
                    columns.put(rows.getString(1), rows.getString(2));
                }
            }
        }
        return columns;
    }

    /** What a query may name: the columns of {@code samples} but {@code row_key}, and WeightsLab's names for them. */
    static TableColumns catalog(Connection connection) throws SQLException {
        Map<String, ColumnType> types = new LinkedHashMap<>();
        columns(connection).forEach((name, type) -> types.put(name, ColumnType.ofSqlType(type)));
        return TableColumns.of(types);
    }

    /** {@code name} as a SQL identifier: always quoted, quotes doubled, so no name can end the identifier. */
    static String quote(String name) {
        return '"' + name.replace("\"", "\"\"") + '"';
    }

    /**
     * The tag a person means by {@code name} ({@code hard} or {@code tag:hard}), checked.
     *
     * @throws IllegalArgumentException with a message naming what is allowed
     */
    static String tagName(String name) {
        String bare = name.strip();
        if (bare.toLowerCase(Locale.ROOT).startsWith(TAG_PREFIX)) {
            bare = bare.substring(TAG_PREFIX.length());
        }
        if (!TAG_NAME.matcher(bare).matches()) {
            throw new IllegalArgumentException("'" + name + "' is not a tag name: use letters, digits and _ . -"
                    + " (up to 64 characters, starting with a letter or digit)");
        }
        return bare;
    }

    static boolean isTagColumn(String column) {
        return column.startsWith(TAG_PREFIX);
    }
}
