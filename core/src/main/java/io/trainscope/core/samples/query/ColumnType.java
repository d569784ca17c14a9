package io.trainscope.core.samples.query;

import static java.util.Objects.requireNonNull;

import java.util.Locale;

/** What a sample-table column holds, as far as the query language cares: numbers, text or true/false. */
public enum ColumnType {
    NUMBER("a number"),
    TEXT("text"),
    BOOLEAN("true/false");

    private final String description;

    ColumnType(String description) {
        this.description = description;
    }

    /** How an error message names this type: "label is a number". */
    public String description() {
        return description;
    }

    /**
     * The query type of a DuckDB column type name as {@code DESCRIBE} reports it ({@code INTEGER},
     * {@code VARCHAR}, {@code DECIMAL(10,2)}, ...); anything that is neither number nor boolean counts as text.
     */
    public static ColumnType ofSqlType(String sqlType) {
        String type = requireNonNull(sqlType, "sqlType").trim().toUpperCase(Locale.ROOT);
        if (type.equals("BOOLEAN") || type.equals("BOOL")) {
            return BOOLEAN;
        }
        if (type.matches("(U?(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT)|INT|FLOAT|REAL|DOUBLE|DECIMAL.*|NUMERIC.*)")) {
            return NUMBER;
        }
        return TEXT;
    }
}
