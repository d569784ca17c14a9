package io.trainscope.core.samples.query;

/**
 * The rows {@code [start, start + count)} of the current view order that a {@code scope:view} sort
 * reorders in place; a {@code count} of 0 or less means "to the end", as on the WeightsLab wire.
 */
public record ViewSlice(int start, int count) {

    public ViewSlice {
        if (start < 0) {
            throw new IllegalArgumentException("start must not be negative: " + start);
        }
    }

    /** True when the slice runs to the end of the view. */
    public boolean toEnd() {
        return count <= 0;
    }
}
