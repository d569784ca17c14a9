package io.trainscope.core.samples.query;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * Compiled SQL with {@code ?} placeholders and the values to bind to them, in order
 * (each a {@link Long}, {@link Double}, {@link String} or {@link Boolean}).
 *
 * <pre>{@code
 * SqlFragment where = SqlCompiler.where(filter, columns);
 * PreparedStatement statement = connection.prepareStatement("SELECT * FROM samples WHERE " + where.sql());
 * for (int i = 0; i < where.parameters().size(); i++) statement.setObject(i + 1, where.parameters().get(i));
 * }</pre>
 */
public record SqlFragment(String sql, List<Object> parameters) {

    public SqlFragment {
        requireNonNull(sql, "sql");
        parameters = List.copyOf(requireNonNull(parameters, "parameters"));
    }
}
