package io.trainscope.core.samples.query;

import static java.util.Objects.requireNonNull;

import io.trainscope.core.samples.query.Expression.And;
import io.trainscope.core.samples.query.Expression.Comparison;
import io.trainscope.core.samples.query.Expression.Membership;
import io.trainscope.core.samples.query.Expression.Not;
import io.trainscope.core.samples.query.Expression.Or;
import io.trainscope.core.samples.query.Expression.Truth;
import io.trainscope.core.samples.query.Operand.ColumnName;
import io.trainscope.core.samples.query.Operand.Literal;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Turns a parsed query into DuckDB SQL that holds only our keywords, {@code ?} placeholders and the
 * double-quoted names of columns the {@link ColumnCatalog} resolved: nothing typed by the user is
 * pasted in, and every literal is a parameter. Types are checked here, against the real columns.
 *
 * <p>NULLs keep SQL semantics: a comparison with NULL is unknown, so a row whose column is NULL
 * matches neither {@code x == v} nor {@code x != v} nor {@code not (x == v)}. (pandas would count a
 * NaN as {@code != v}; we prefer one consistent rule, and NULL means "no value yet".)
 */
public final class SqlCompiler {

    private static final Pattern NUMBER = Pattern.compile("\\s*[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?\\s*");
    private static final int NAMES_IN_MESSAGE = 40;

    private final ColumnCatalog columns;
    private final StringBuilder sql = new StringBuilder();
    private final List<Object> parameters = new ArrayList<>();

    private SqlCompiler(ColumnCatalog columns) {
        this.columns = columns;
    }

    /** The condition for a {@code WHERE} clause (without the keyword) and its parameters. */
    public static SqlFragment where(Expression filter, ColumnCatalog columns) {
        requireNonNull(filter, "filter");
        SqlCompiler compiler = new SqlCompiler(requireNonNull(columns, "columns"));
        compiler.expression(filter);
        return new SqlFragment(compiler.sql.toString(), compiler.parameters);
    }

    /**
     * The terms of an {@code ORDER BY} clause (without the keywords), NULLs last as pandas puts them;
     * the key {@code index} sorts by origin then sample_id. Empty keys give an empty string.
     */
    public static String orderBy(List<SortKey> keys, ColumnCatalog columns) {
        requireNonNull(keys, "keys");
        SqlCompiler compiler = new SqlCompiler(requireNonNull(columns, "columns"));
        List<String> terms = new ArrayList<>();
        for (SortKey key : keys) {
            String direction = key.descending() ? " DESC NULLS LAST" : " ASC NULLS LAST";
            if (key.isIndex() && columns.resolve(key.column()).isEmpty()) {
                Column origin = columns.resolve("origin").orElseThrow(() -> new QueryException("sorting by index needs an origin column"));
                Column sampleId = columns.resolve("sample_id").orElseThrow(() -> new QueryException("sorting by index needs a sample_id column"));
                terms.add(identifier(origin) + direction);
                terms.add(identifier(sampleId) + direction);
            } else {
                terms.add(identifier(compiler.column(key.column())) + direction);
            }
        }
        return String.join(", ", terms);
    }

    private void expression(Expression expression) {
        if (expression instanceof And and) {
            join(and.operands(), " AND ");
        } else if (expression instanceof Or or) {
            join(or.operands(), " OR ");
        } else if (expression instanceof Not not) {
            sql.append("NOT (");
            expression(not.operand());
            sql.append(')');
        } else if (expression instanceof Comparison comparison) {
            comparison(comparison);
        } else if (expression instanceof Membership membership) {
            membership(membership);
        } else {
            truth((Truth) expression);
        }
    }

    private void join(List<Expression> operands, String operator) {
        sql.append('(');
        for (int i = 0; i < operands.size(); i++) {
            if (i > 0) {
                sql.append(operator);
            }
            expression(operands.get(i));
        }
        sql.append(')');
    }

    private void comparison(Comparison comparison) {
        ComparisonOperator operator = comparison.operator();
        if (comparison.left() instanceof ColumnName left && comparison.right() instanceof ColumnName right) {
            Column l = column(left.name());
            Column r = column(right.name());
            if (l.type() != r.type()) {
                throw new QueryException(left + " is " + l.type().description() + " and " + right + " is "
                        + r.type().description() + "; they cannot be compared");
            }
            checkOperator(left, l, operator);
            sql.append(identifier(l)).append(' ').append(operator.sql()).append(' ').append(identifier(r));
        } else if (comparison.left() instanceof ColumnName left && comparison.right() instanceof Literal right) {
            columnAgainstValue(left, operator, right);
        } else if (comparison.left() instanceof Literal left && comparison.right() instanceof ColumnName right) {
            columnAgainstValue(right, operator.mirrored(), left);
        } else {
            throw new QueryException("a comparison needs a column: " + comparison.left() + " " + operator.symbol() + " "
                    + comparison.right() + " compares two values");
        }
    }

    private void columnAgainstValue(ColumnName name, ComparisonOperator operator, Literal literal) {
        Column column = column(name.name());
        checkOperator(name, column, operator);
        Object value = value(name, column, literal);
        sql.append(identifier(column)).append(' ').append(operator.sql()).append(' ').append(placeholder(value));
    }

    private static void checkOperator(ColumnName name, Column column, ComparisonOperator operator) {
        if (column.type() == ColumnType.BOOLEAN && !operator.isEquality()) {
            throw new QueryException(name + " is true/false; compare it with == or !=, not " + operator.symbol());
        }
    }

    private void membership(Membership membership) {
        Column column = column(membership.column().name());
        if (membership.values().isEmpty()) {
            sql.append(membership.negated() ? "TRUE" : "FALSE");
            return;
        }
        sql.append(identifier(column)).append(membership.negated() ? " NOT IN (" : " IN (");
        for (int i = 0; i < membership.values().size(); i++) {
            sql.append(i > 0 ? ", " : "").append(placeholder(value(membership.column(), column, membership.values().get(i))));
        }
        sql.append(')');
    }

    private void truth(Truth truth) {
        Column column = column(truth.column().name());
        if (column.type() != ColumnType.BOOLEAN) {
            String example = column.type() == ColumnType.NUMBER ? truth.column() + " != 0" : truth.column() + " == 'some text'";
            throw new QueryException(truth.column() + " is " + column.type().description()
                    + "; only a true/false column can stand alone as a condition (try " + example + ")");
        }
        sql.append(identifier(column));
    }

    /** The literal as a parameter of the column's type, or why it cannot be one. */
    private static Object value(ColumnName name, Column column, Literal literal) {
        Object value = literal.value();
        switch (column.type()) {
            case NUMBER -> {
                if (value instanceof Long || value instanceof Double) {
                    return value;
                }
                if (value instanceof String text && NUMBER.matcher(text).matches()) {
                    String unsigned = text.strip().replaceFirst("^[+-]", "");
                    Object number = Tokenizer.numberValue(unsigned);
                    if (number instanceof Double d && d.isInfinite()) {
                        throw new QueryException(name + " is a number; " + literal + " is too large");
                    }
                    return text.strip().startsWith("-") ? FilterParser.negate(number) : number;
                }
            }
            case TEXT -> {
                if (value instanceof String) {
                    return value;
                }
                if (!(value instanceof Boolean)) {
                    throw new QueryException(name + " is text; " + literal + " is not (quote it: '" + value + "')");
                }
            }
            case BOOLEAN -> {
                if (value instanceof Boolean) {
                    return value;
                }
                if (value instanceof Long whole && (whole == 0 || whole == 1)) {
                    return whole == 1;
                }
            }
        }
        throw new QueryException(name + " is " + column.type().description() + "; " + literal + " is not");
    }

    /** Whole numbers go in as BIGINT and others as DOUBLE, so {@code label == 1.5} is not rounded to the column's type. */
    private String placeholder(Object value) {
        parameters.add(value);
        if (value instanceof Long) {
            return "CAST(? AS BIGINT)";
        }
        return value instanceof Double ? "CAST(? AS DOUBLE)" : "?";
    }

    private Column column(String name) {
        return columns.resolve(name).orElseThrow(() -> new QueryException("unknown column '" + name + "'; columns are: " + known()));
    }

    private String known() {
        List<String> names = columns.names();
        if (names.size() <= NAMES_IN_MESSAGE) {
            return String.join(", ", names);
        }
        return String.join(", ", names.subList(0, NAMES_IN_MESSAGE)) + ", ... (" + (names.size() - NAMES_IN_MESSAGE) + " more)";
    }

    /** A column name as a DuckDB identifier: double-quoted, embedded quotes doubled. */
    static String identifier(Column column) {
        return '"' + column.name().replace("\"", "\"\"") + '"';
    }
}
