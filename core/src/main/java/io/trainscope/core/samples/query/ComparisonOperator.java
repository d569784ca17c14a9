package io.trainscope.core.samples.query;

/** A comparison between two operands, with its query spelling and its SQL spelling. */
public enum ComparisonOperator {
    EQUAL("==", "="),
    NOT_EQUAL("!=", "<>"),
    LESS("<", "<"),
    LESS_OR_EQUAL("<=", "<="),
    GREATER(">", ">"),
    GREATER_OR_EQUAL(">=", ">=");

    private final String symbol;
    private final String sql;

    ComparisonOperator(String symbol, String sql) {
        this.symbol = symbol;
        this.sql = sql;
    }

    /** How the operator is typed in a query. */
    public String symbol() {
        return symbol;
    }

    String sql() {
        return sql;
    }

    /** The operator that gives the same answer with the operands swapped: {@code 2 < loss} is {@code loss > 2}. */
    public ComparisonOperator mirrored() {
        return switch (this) {
            case EQUAL, NOT_EQUAL -> this;
            case LESS -> GREATER;
            case LESS_OR_EQUAL -> GREATER_OR_EQUAL;
            case GREATER -> LESS;
            case GREATER_OR_EQUAL -> LESS_OR_EQUAL;
        };
    }

    /** True for {@code ==} and {@code !=}, the only comparisons that make sense for true/false columns. */
    boolean isEquality() {
        return this == EQUAL || this == NOT_EQUAL;
    }
}
