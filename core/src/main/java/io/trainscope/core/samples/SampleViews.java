package io.trainscope.core.samples;

import io.trainscope.core.samples.query.DataQuery;
import io.trainscope.core.samples.query.QueryException;
import io.trainscope.core.samples.query.SqlCompiler;
import io.trainscope.core.samples.query.SqlFragment;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import org.duckdb.DuckDBConnection;

/**
 * Each client's view of the sample table: the rows its queries kept, in the order they asked.
 * A view's rows are fixed when its query runs (its values stay live), so paging through it is
 * stable while training updates the table. Reads run on one connection, one at a time.
 */
public final class SampleViews {

    /** Views kept at once; the least recently used is dropped (its client then sees the whole table). */
    static final int MAX_VIEWS = 32;

    private record View(String table, List<SqlFragment> filters, String orderBy) {
        static final View WHOLE = new View(null, List.of(), "");

        boolean whole() {
            return table == null;
        }

        /** Rows of the table in view order, with their position as {@code pos}. */
        String source() {
            return whole() ? "(SELECT row_key AS pos, * FROM samples)"
                    : "(SELECT v.rowid AS pos, s.* FROM " + table + " v JOIN samples s ON s.row_key = v.row_key)";
        }
    }

    private final DuckDBConnection connection;
    private final Runnable beforeRead;
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<String, View> views = new LinkedHashMap<>(16, 0.75f, true);
    private int nextTable;

    /** {@code beforeRead} runs before each read: it merges what training queued if the last merge is over 1 s old. */
    SampleViews(DuckDBConnection connection, Runnable beforeRead) {
        this.connection = connection;
        this.beforeRead = beforeRead;
    }

    /**
     * Applies a direct query to {@code client}'s view: its filter narrows the view when
     * {@code accumulate} is set and replaces the view's filter otherwise; its sort replaces the
     * view's order. Nothing changes when the query is refused.
     *
     * @throws QueryException when the query does not parse or names what the table lacks
     */
    public ViewCounts query(String client, String text, boolean accumulate) {
        return locked(() -> {
            DataQuery query = DataQuery.parse(text);
            var columns = SampleSchema.catalog(connection);
            View before = view(client);
            List<SqlFragment> filters = new ArrayList<>(query.filter().isPresent() && !accumulate ? List.of() : before.filters());
            query.filter().ifPresent(filter -> filters.add(SqlCompiler.where(filter, columns)));
            String orderBy = query.sort().isEmpty() ? before.orderBy() : SqlCompiler.orderBy(query.sort(), columns);
            View after = materialize(client, filters, orderBy);
            return counts(after);
        });
    }

    /** Puts {@code client}'s view back to the whole table in table order. */
    public ViewCounts reset(String client) {
        return locked(() -> {
            View old = views.remove(client);
            drop(old);
            return counts(View.WHOLE);
        });
    }

    public ViewCounts counts(String client) {
        return locked(() -> counts(view(client)));
    }

    /** Rows {@code [start, start + count)} of {@code client}'s view, in view order. */
    public List<SampleRecord> page(String client, long start, int count) {
        return locked(() -> {
            View view = view(client);
            String sql = "SELECT * FROM " + view.source() + " WHERE pos >= ? AND pos < ? ORDER BY pos";
            try (PreparedStatement statement = connection.prepareStatement(sql)) {
                statement.setLong(1, start);
                statement.setLong(2, start + count);
                return records(statement);
            }
        });
    }

    /** The row of one sample, whatever the views hold. */
    public Optional<SampleRecord> find(SampleKey key) {
        return locked(() -> {
            try (PreparedStatement statement = connection.prepareStatement(
                    "SELECT 0 AS pos, * FROM samples WHERE origin = ? AND sample_id = ?")) {
                statement.setString(1, key.origin());
                statement.setLong(2, key.sampleId());
                List<SampleRecord> found = records(statement);
                return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
            }
        });
    }

    /**
     * Ids of {@code origin}'s samples that are not discarded and carry every tag of {@code tags}
     * (all of them, when {@code tags} is empty), ascending: the samples an evaluation pass covers.
     *
     * @throws IllegalArgumentException naming a tag the table does not have
     */
    public int[] keptIds(String origin, List<String> tags) {
        return locked(() -> {
            var columns = SampleSchema.columns(connection);
            StringBuilder sql = new StringBuilder("SELECT sample_id FROM samples WHERE origin = ? AND NOT discarded");
            for (String name : tags) {
                String column = SampleSchema.TAG_PREFIX + SampleSchema.tagName(name);
                if (!columns.containsKey(column)) {
                    throw new IllegalArgumentException("no tag '" + SampleSchema.tagName(name) + "'");
                }
                sql.append(" AND ").append(SampleSchema.quote(column));
            }
            sql.append(" ORDER BY sample_id");
            List<Integer> ids = new ArrayList<>();
            try (PreparedStatement statement = connection.prepareStatement(sql.toString())) {
                statement.setString(1, origin);
                try (ResultSet rows = statement.executeQuery()) {
                    while (rows.next()) {
                        ids.add((int) rows.getLong(1));
                    }
                }
            }
            return ids.stream().mapToInt(Integer::intValue).toArray();
        });
    }

    /** Every column a query, a histogram or a client may name, in table order. */
    public List<String> columnNames() {
        return locked(() -> new ArrayList<>(SampleSchema.columns(connection).keySet()));
    }

    /** Tag names (without {@code tag:}), sorted. */
    public List<String> tags() {
        return locked(() -> SampleSchema.columns(connection).keySet().stream().filter(SampleSchema::isTagColumn)
                .map(c -> c.substring(SampleSchema.TAG_PREFIX.length())).sorted().toList());
    }

    /** The splits in {@code client}'s view, sorted. */
    public List<String> splits(String client) {
        return locked(() -> {
            List<String> out = new ArrayList<>();
            try (Statement statement = connection.createStatement();
                    ResultSet rows = statement.executeQuery("SELECT DISTINCT origin FROM " + view(client).source()
                            + " ORDER BY origin")) {
                while (rows.next()) {
                    out.add(rows.getString(1));
                }
            }
            return out;
        });
    }

    /** Runs {@code work} holding the connection, on a table at most a second behind training. */
    <T> T locked(SampleWriter.SqlWork<T> work) {
        beforeRead.run();
        lock.lock();
        try {
            return work.run();
        } catch (SQLException e) {
            throw new SampleStorageException("Cannot read the sample table: " + e.getMessage(), e);
        } finally {
            lock.unlock();
        }
    }

    DuckDBConnection connection() {
        return connection;
    }

    /** The table expression of {@code client}'s view (for readers in this package; caller holds the lock). */
    String source(String client) {
        return view(client).source();
    }

    private View view(String client) {
        return views.getOrDefault(client, View.WHOLE);
    }

    private View materialize(String client, List<SqlFragment> filters, String orderBy) throws SQLException {
        View old = views.remove(client);
        if (filters.isEmpty() && orderBy.isEmpty()) {
            drop(old);
            return View.WHOLE;
        }
        String table = old != null && !old.whole() ? old.table() : "view_" + nextTable++;
        StringBuilder sql = new StringBuilder("CREATE OR REPLACE TEMP TABLE ").append(table)
                .append(" AS SELECT row_key FROM samples");
        List<Object> parameters = new ArrayList<>();
        for (int i = 0; i < filters.size(); i++) {
            sql.append(i == 0 ? " WHERE (" : " AND (").append(filters.get(i).sql()).append(')');
            parameters.addAll(filters.get(i).parameters());
        }
        // A filter alone keeps table order (insertion order is preserved). Ties of a sort come out in
        // the sort's own order, which the view then keeps: a tie-breaking key on 1M rows costs a fifth of the query.
        if (!orderBy.isEmpty()) {
            sql.append(" ORDER BY ").append(orderBy);
        }
        try (PreparedStatement statement = connection.prepareStatement(sql.toString())) {
            for (int i = 0; i < parameters.size(); i++) {
                statement.setObject(i + 1, parameters.get(i));
            }
            statement.execute();
        }
        View view = new View(table, List.copyOf(filters), orderBy);
        views.put(client, view);
        while (views.size() > MAX_VIEWS) {
            String eldest = views.keySet().iterator().next();
            drop(views.remove(eldest));
        }
        return view;
    }

    private void drop(View view) throws SQLException {
        if (view != null && !view.whole()) {
            try (Statement statement = connection.createStatement()) {
                statement.execute("DROP TABLE IF EXISTS " + view.table());
            }
        }
    }

    /** Counted without joining the view to the table: that join costs ~50 ms for a view of 1M rows. */
    private ViewCounts counts(View view) throws SQLException {
        String sql = view.whole() ? "SELECT count(*), count_if(discarded) FROM samples"
                : "SELECT (SELECT count(*) FROM " + view.table() + "), (SELECT count(*) FROM samples WHERE discarded"
                        + " AND row_key IN (SELECT row_key FROM " + view.table() + "))";
        try (Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery(sql)) {
            rows.next();
            return new ViewCounts(rows.getLong(1), rows.getLong(2));
        }
    }

    private static List<SampleRecord> records(PreparedStatement statement) throws SQLException {
        List<SampleRecord> out = new ArrayList<>();
        try (ResultSet rows = statement.executeQuery()) {
            ResultSetMetaData meta = rows.getMetaData();
            while (rows.next()) {
                List<String> tags = new ArrayList<>();
                Map<String, Object> metadata = new LinkedHashMap<>();
                for (int c = 1; c <= meta.getColumnCount(); c++) {
                    String name = meta.getColumnLabel(c);
                    if (SampleSchema.isTagColumn(name)) {
                        if (rows.getBoolean(c)) {
                            tags.add(name.substring(SampleSchema.TAG_PREFIX.length()));
                        }
                    } else if (!SampleSchema.CORE_COLUMNS.contains(name) && !name.equals("pos")) {
                        Object value = rows.getObject(c);
                        if (value != null) {
                            metadata.put(name, value);
                        }
                    }
                }
                out.add(new SampleRecord(rows.getString("origin"), rows.getLong("sample_id"),
                        (Integer) rows.getObject("label"), (Integer) rows.getObject("prediction"),
                        (Float) rows.getObject("confidence"), (Float) rows.getObject("loss"), rows.getInt("encounters"),
                        (Long) rows.getObject("last_step"), rows.getBoolean("discarded"), tags, metadata));
            }
        }
        return out;
    }
}
