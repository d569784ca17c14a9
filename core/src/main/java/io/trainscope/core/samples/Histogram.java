package io.trainscope.core.samples;

import java.util.List;

/**
 * A column's distribution over a view: numeric bins (by value range, or by row position in the
 * view's order, as WeightsLab bins), or categorical bars sorted by count.
 */
public record Histogram(long totalRows, boolean categorical, List<Bin> bins, List<Bar> bars) {

    /** Rows of one (split, discarded) cell of a bin or bar. */
    public record Part(String origin, boolean discarded, long count) {}

    /** A numeric bin: the range of its finite values ({@code NaN} when it has none). */
    public record Bin(double min, double max, double average, long count, List<Part> parts) {}

    /** A categorical bar. */
    public record Bar(String label, long count, List<Part> parts) {}
}
