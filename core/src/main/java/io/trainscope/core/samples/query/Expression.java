package io.trainscope.core.samples.query;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * A parsed filter: a tree of conditions on the columns of one sample, compiled to SQL by
 * {@link SqlCompiler}. {@code and}/{@code or} chains are flat lists so a long chain stays a shallow tree.
 */
public sealed interface Expression {

    /** All operands hold ({@code and}, {@code &}). */
    record And(List<Expression> operands) implements Expression {
        public And {
            operands = atLeastTwo(operands, "and");
        }
    }

    /** At least one operand holds ({@code or}, {@code |}). */
    record Or(List<Expression> operands) implements Expression {
        public Or {
            operands = atLeastTwo(operands, "or");
        }
    }

    /** The operand does not hold ({@code not}, {@code ~}). */
    record Not(Expression operand) implements Expression {
        public Not {
            requireNonNull(operand, "operand");
        }
    }

    /** {@code left operator right}, where at least one side should be a column. */
    record Comparison(Operand left, ComparisonOperator operator, Operand right) implements Expression {
        public Comparison {
            requireNonNull(left, "left");
            requireNonNull(operator, "operator");
            requireNonNull(right, "right");
        }
    }

    /** {@code column in [values]}, or {@code column not in [values]} when {@code negated}. */
    record Membership(Operand.ColumnName column, List<Operand.Literal> values, boolean negated) implements Expression {
        public Membership {
            requireNonNull(column, "column");
            values = List.copyOf(requireNonNull(values, "values"));
        }
    }

    /** A bare column used as the condition itself, as in {@code discarded}; only true/false columns qualify. */
    record Truth(Operand.ColumnName column) implements Expression {
        public Truth {
            requireNonNull(column, "column");
        }
    }

    private static List<Expression> atLeastTwo(List<Expression> operands, String operator) {
        List<Expression> copy = List.copyOf(requireNonNull(operands, "operands"));
        if (copy.size() < 2) {
            throw new IllegalArgumentException("'" + operator + "' needs at least two operands: " + copy);
        }
        return copy;
    }
}
