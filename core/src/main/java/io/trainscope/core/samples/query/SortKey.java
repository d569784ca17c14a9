package io.trainscope.core.samples.query;

import static java.util.Objects.requireNonNull;

/** One key of a sort: the column as the user typed it (backticks removed) and its direction. */
public record SortKey(String column, boolean descending) {

    /** The key name that sorts by the table's index, (origin, sample_id), in any letter case. */
    public static final String INDEX = "index";

    public SortKey {
        requireNonNull(column, "column");
    }

    public static SortKey ascending(String column) {
        return new SortKey(column, false);
    }

    public static SortKey descending(String column) {
        return new SortKey(column, true);
    }

    /** True for the special key {@code index}, which means (origin, sample_id). */
    public boolean isIndex() {
        return column.equalsIgnoreCase(INDEX);
    }
}
