package io.trainscope.core.samples.query;

import static java.util.Objects.requireNonNull;

/** A column the sample table really has: its exact name in the table and its type. */
public record Column(String name, ColumnType type) {

    public Column {
        requireNonNull(name, "name");
        requireNonNull(type, "type");
    }
}
