package io.trainscope.core.samples.query;

import static java.util.Objects.requireNonNull;

/** One side of a comparison: a column named by the user, or a literal value. */
public sealed interface Operand {

    /** A column name as typed, backticks removed; {@link ColumnCatalog} decides whether the table has it. */
    record ColumnName(String name) implements Operand {
        public ColumnName {
            requireNonNull(name, "name");
        }

        @Override
        public String toString() {
            return name;
        }
    }

    /** A literal: a {@link Long}, {@link Double}, {@link String} or {@link Boolean}. */
    record Literal(Object value) implements Operand {
        public Literal {
            requireNonNull(value, "value");
            if (!(value instanceof Long || value instanceof Double || value instanceof String || value instanceof Boolean)) {
                throw new IllegalArgumentException("a literal is a Long, Double, String or Boolean, not " + value.getClass().getName());
            }
        }

        public static Literal of(long value) {
            return new Literal(value);
        }

        public static Literal of(double value) {
            return new Literal(value);
        }

        public static Literal of(String value) {
            return new Literal(value);
        }

        public static Literal of(boolean value) {
            return new Literal(value);
        }

        /** The literal as it would be typed in a query, for error messages: {@code 'abc'}, {@code 3}, {@code True}. */
        @Override
        public String toString() {
            if (value instanceof String text) {
                return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'";
            }
            if (value instanceof Boolean truth) {
                return truth ? "True" : "False";
            }
            return value.toString();
        }
    }
}
