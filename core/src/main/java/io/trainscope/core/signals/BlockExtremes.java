package io.trainscope.core.signals;

import java.util.Arrays;

/**
 * The lowest and highest value, and where they are, in each block of {@value #SIZE} points of a
 * column, kept up to date as points are appended, so that finding a range's extremes reads one
 * entry per whole block instead of every point. NaN values are skipped; a block of only NaN has
 * index -1. Of equal values the earliest is kept.
 */
final class BlockExtremes {

    static final int SHIFT = 6;
    static final int SIZE = 1 << SHIFT;

    final int[] minIndex;
    final int[] maxIndex;
    final float[] minValue;
    final float[] maxValue;

    BlockExtremes(int capacity) {
        this(new int[blocks(capacity)], new int[blocks(capacity)], new float[blocks(capacity)], new float[blocks(capacity)]);
    }

    private BlockExtremes(int[] minIndex, int[] maxIndex, float[] minValue, float[] maxValue) {
        this.minIndex = minIndex;
        this.maxIndex = maxIndex;
        this.minValue = minValue;
        this.maxValue = maxValue;
    }

    /** The extremes of the first {@code size} values, as a column would have built them point by point. */
    static BlockExtremes of(float[] values, int size) {
        BlockExtremes blocks = new BlockExtremes(size);
        for (int i = 0; i < size; i++) {
            blocks.extend(i, values[i]);
        }
        return blocks;
    }

    /** Folds the value just appended at {@code index} into its block. */
    void extend(int index, float value) {
        int b = index >>> SHIFT;
        boolean isNaN = Float.isNaN(value);
        if ((index & (SIZE - 1)) == 0) {
            minIndex[b] = isNaN ? -1 : index;
            maxIndex[b] = minIndex[b];
            minValue[b] = value;
            maxValue[b] = value;
        } else if (!isNaN) {
            if (minIndex[b] < 0 || value < minValue[b]) {
                minIndex[b] = index;
                minValue[b] = value;
            }
            if (maxIndex[b] < 0 || value > maxValue[b]) {
                maxIndex[b] = index;
                maxValue[b] = value;
            }
        }
    }

    /** A copy with room for {@code capacity} points. */
    BlockExtremes grow(int capacity) {
        int n = blocks(capacity);
        return new BlockExtremes(Arrays.copyOf(minIndex, n), Arrays.copyOf(maxIndex, n), Arrays.copyOf(minValue, n),
                Arrays.copyOf(maxValue, n));
    }

    private static int blocks(int capacity) {
        return (capacity + SIZE - 1) >>> SHIFT;
    }
}
