package io.trainscope.core.samples;

import static io.trainscope.core.samples.SampleSchema.quote;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;

/**
 * Carries out {@link SampleEdit}s on the writer's connection. Each edit is checked first and
 * refused whole with {@link IllegalArgumentException} (a message a person can act on), then
 * written in one transaction; the discard set follows only once the transaction is committed.
 */
final class SampleEdits {

    private static final Pattern COPY_SUFFIX = Pattern.compile("_\\d+$");

    private final DuckDBConnection connection;
    private final SampleSpace space;
    private final DiscardedSamples discarded;
    private final Runnable schemaChanged;

    SampleEdits(DuckDBConnection connection, SampleSpace space, DiscardedSamples discarded, Runnable schemaChanged) {
        this.connection = connection;
        this.space = space;
        this.discarded = discarded;
        this.schemaChanged = schemaChanged;
    }

    SampleEdit.Result apply(SampleEdit edit) throws SQLException {
        if (edit instanceof SampleEdit.SetDiscarded d) {
            return setDiscarded(d);
        } else if (edit instanceof SampleEdit.SetTag t) {
            return setTag(t);
        } else if (edit instanceof SampleEdit.RegisterTag r) {
            String tag = SampleSchema.tagName(r.tag());
            addTagColumn(tag);
            return new SampleEdit.Result(0, "Tag '" + tag + "' registered");
        } else if (edit instanceof SampleEdit.DeleteColumn d) {
            return deleteColumn(d.column());
        } else if (edit instanceof SampleEdit.CopyColumn c) {
            return copyColumn(c);
        } else if (edit instanceof SampleEdit.DiscardByTag d) {
            return discardByTag(SampleSchema.tagName(d.tag()));
        }
        throw new IllegalArgumentException("unknown edit " + edit);
    }

    private SampleEdit.Result setDiscarded(SampleEdit.SetDiscarded edit) throws SQLException {
        int[] rows = space.rows(edit.samples());
        updateRows(rows, "discarded = " + edit.discarded());
        for (SampleKey key : edit.samples()) {
            discarded.set(key.origin(), key.sampleId(), edit.discarded());
        }
        return new SampleEdit.Result(rows.length, (edit.discarded() ? "Discarded " : "Restored ") + rows.length
                + " samples; " + (edit.discarded() ? "they are not drawn again from the next batch" : "they are drawn again"));
    }

    private SampleEdit.Result setTag(SampleEdit.SetTag edit) throws SQLException {
        String tag = SampleSchema.tagName(edit.tag());
        int[] rows = space.rows(edit.samples());
        addTagColumn(tag);
        updateRows(rows, quote(SampleSchema.TAG_PREFIX + tag) + " = " + edit.on());
        return new SampleEdit.Result(rows.length, (edit.on() ? "Tagged " : "Untagged ") + rows.length + " samples '" + tag + "'");
    }

    /**
     * Sets {@code assignment} (built from constants and quoted names only) on {@code rows}, in one
     * transaction: the staged row keys are part of it, so an edit costs one commit (one WAL sync).
     */
    private void updateRows(int[] rows, String assignment) throws SQLException {
        if (rows.length == 0) {
            return;
        }
        try (Statement statement = connection.createStatement()) {
            statement.execute("BEGIN TRANSACTION");
            try {
                try (DuckDBAppender appender = connection.createAppender(DuckDBConnection.DEFAULT_SCHEMA, "edit_rows")) {
                    for (int row : rows) {
                        appender.beginRow();
                        appender.append(row);
                        appender.endRow();
                    }
                }
                statement.execute("UPDATE samples SET " + assignment + " WHERE row_key IN (SELECT row_key FROM edit_rows)");
                statement.execute("DELETE FROM edit_rows");
                statement.execute("COMMIT");
            } catch (SQLException | RuntimeException e) {
                statement.execute("ROLLBACK");
                throw e;
            }
        }
    }

    private void addTagColumn(String tag) throws SQLException {
        Map<String, String> columns = SampleSchema.columns(connection);
        String column = SampleSchema.TAG_PREFIX + tag;
        String type = columns.get(column);
        if (type != null && !type.equals("BOOLEAN")) {
            throw new IllegalArgumentException("column '" + column + "' exists and is not a tag (" + type + ")");
        }
        if (type == null) {
            try (Statement statement = connection.createStatement()) {
                statement.execute("ALTER TABLE samples ADD COLUMN " + quote(column) + " BOOLEAN DEFAULT false");
            }
            schemaChanged.run();
        }
    }

    private SampleEdit.Result deleteColumn(String name) throws SQLException {
        String column = name.strip();
        if (!column.contains("@") && !SampleSchema.isTagColumn(column) && SampleSchema.columns(connection).containsKey(
                SampleSchema.TAG_PREFIX + column)) {
            column = SampleSchema.TAG_PREFIX + column;
        }
        if (SampleSchema.CORE_COLUMNS.contains(column)) {
            throw new IllegalArgumentException("'" + column + "' is a core column and cannot be deleted");
        }
        if (!SampleSchema.columns(connection).containsKey(column)) {
            throw new IllegalArgumentException("no column '" + column + "' to delete; columns are "
                    + SampleSchema.columns(connection).keySet());
        }
        try (Statement statement = connection.createStatement()) {
            statement.execute("ALTER TABLE samples DROP COLUMN " + quote(column));
        }
        schemaChanged.run();
        return new SampleEdit.Result(0, "Deleted metadata '" + column + "'");
    }

    private SampleEdit.Result copyColumn(SampleEdit.CopyColumn edit) throws SQLException {
        Map<String, String> columns = SampleSchema.columns(connection);
        String source = edit.source().strip();
        String type = columns.get(source);
        if (type == null) {
            throw new IllegalArgumentException("no column '" + source + "' to copy; columns are " + columns.keySet());
        }
        String base = source.contains("@") ? source.substring(source.indexOf('@') + 1) : source;
        base = base.replace('@', '_').replaceAll("\\s+", "_");
        Matcher suffix = COPY_SUFFIX.matcher(base);
        if (suffix.find()) {
            base = base.substring(0, suffix.start());
        }
        String target;
        int n = 1;
        do {
            target = base + "_" + n++ + "@" + edit.runHash();
        } while (columns.containsKey(target));
        try (Statement statement = connection.createStatement()) {
            statement.execute("BEGIN TRANSACTION");
            statement.execute("ALTER TABLE samples ADD COLUMN " + quote(target) + " " + type);
            statement.execute("UPDATE samples SET " + quote(target) + " = " + quote(source));
            statement.execute("COMMIT");
        }
        schemaChanged.run();
        return new SampleEdit.Result(space.rows(), "Saved metadata '" + source + "' as '" + target + "'.");
    }

    private SampleEdit.Result discardByTag(String tag) throws SQLException {
        String column = SampleSchema.TAG_PREFIX + tag;
        if (!SampleSchema.columns(connection).containsKey(column)) {
            throw new IllegalArgumentException("no tag '" + tag + "'; tags are " + SampleSchema.columns(connection).keySet()
                    .stream().filter(SampleSchema::isTagColumn).map(c -> c.substring(4)).toList());
        }
        List<SampleKey> keys = new java.util.ArrayList<>();
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT origin, sample_id FROM samples WHERE " + quote(column) + " AND NOT discarded");
                ResultSet rows = select.executeQuery()) {
            while (rows.next()) {
                keys.add(new SampleKey(rows.getString(1), rows.getLong(2)));
            }
        }
        if (keys.isEmpty()) {
            return new SampleEdit.Result(0, "No samples found with tag '" + tag + "' that are not discarded already.");
        }
        setDiscarded(new SampleEdit.SetDiscarded(keys, true));
        return new SampleEdit.Result(keys.size(), "Discarded " + keys.size() + " samples with tag '" + tag + "'.");
    }
}
