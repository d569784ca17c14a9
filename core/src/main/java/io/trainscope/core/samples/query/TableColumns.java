package io.trainscope.core.samples.query;

import static java.util.Objects.requireNonNull;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A {@link ColumnCatalog} from a table's column names and types, which also answers to the
 * WeightsLab names of our columns ({@code target} for {@code label}, {@code signals//loss} for
 * {@code loss}, ...) when the table has the column they stand for.
 *
 * <pre>{@code
 * ColumnCatalog columns = TableColumns.read(connection, "samples");
 * }</pre>
 */
public final class TableColumns implements ColumnCatalog {

    /** WeightsLab column names and the Trainscope column each stands for. */
    static final Map<String, String> WEIGHTSLAB_NAMES = Map.of(
            "target", "label",
            "pred", "prediction",
            "signals//loss", "loss",
            "signals//train_loss", "loss",
            "signals//train_loss/sample", "loss",
            "nb_seen", "encounters",
            "last_seen", "last_step");

    private final Map<String, Column> columns = new LinkedHashMap<>();

    private TableColumns(Map<String, ColumnType> types) {
        types.forEach((name, type) -> columns.put(name, new Column(name, type)));
    }

    /** The columns named, in the map's iteration order (which is the order of {@link #names()}). */
    public static TableColumns of(Map<String, ColumnType> types) {
        return new TableColumns(requireNonNull(types, "types"));
    }

    /** The columns of a table (or view) in the connection's current schema, in table order. */
    public static TableColumns read(Connection connection, String table) throws SQLException {
        requireNonNull(connection, "connection");
        requireNonNull(table, "table");
        Map<String, ColumnType> types = new LinkedHashMap<>();
        try (PreparedStatement statement = connection.prepareStatement("SELECT column_name, data_type FROM information_schema.columns"
                + " WHERE table_name = ? AND table_schema = current_schema() ORDER BY ordinal_position")) {
            statement.setString(1, table);
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    types.put(rows.getString(1), ColumnType.ofSqlType(rows.getString(2)));
                }
            }
        }
        if (types.isEmpty()) {
            throw new IllegalArgumentException("no table or view named '" + table + "' with columns");
        }
        return of(types);
    }

    @Override
    public Optional<Column> resolve(String name) {
        Column exact = columns.get(requireNonNull(name, "name"));
        if (exact != null) {
            return Optional.of(exact);
        }
        String standsFor = WEIGHTSLAB_NAMES.get(name);
        return standsFor == null ? Optional.empty() : Optional.ofNullable(columns.get(standsFor));
    }

    @Override
    public List<String> names() {
        return List.copyOf(columns.keySet());
    }
}
