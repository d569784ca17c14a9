package io.trainscope.core.signals;

import static java.util.Objects.requireNonNull;

import java.util.Arrays;

/**
 * Reduces one curve to about a target number of points for a chart, deterministically and without
 * losing spikes: the visible step range is cut into equal step buckets, and each bucket keeps its
 * lowest and its highest point (the earliest of equal values; NaN values are skipped, and a bucket
 * of only NaN keeps its first point). The first and last visible points are always kept, and so
 * are the caller's always-kept points (notes, evaluation markers, hyperparameter changes), which
 * may take a curve beyond the target.
 *
 * <pre>{@code
 * int[] kept = Downsampler.select(steps, values, size, StepRange.ALL, 1000, notedIndices);
 * }</pre>
 *
 * <p>Steps must be sorted (equal steps allowed). A curve may carry precomputed extremes per block of
 * {@value BlockExtremes#SIZE} points, so a bucket costs its full blocks plus at most two partial ones
 * instead of a scan of all its points; the result is the same either way.
 */
public final class Downsampler {

    private Downsampler() {}

    /**
     * The indices to keep, ascending, of the points whose step lies in {@code range}: at most
     * {@code maxPoints} of them plus those of {@code alwaysKeep} (indices, any order) in the range.
     */
    public static int[] select(long[] steps, float[] values, int size, StepRange range, int maxPoints, int[] alwaysKeep) {
        return select(steps, values, size, range, maxPoints, alwaysKeep, null);
    }

    /** As {@link #select(long[], float[], int, StepRange, int, int[])}, with the column's block extremes (null for none). */
    static int[] select(long[] steps, float[] values, int size, StepRange range, int maxPoints, int[] alwaysKeep,
            BlockExtremes blocks) {
        requireNonNull(steps, "steps");
        requireNonNull(values, "values");
        requireNonNull(range, "range");
        requireNonNull(alwaysKeep, "alwaysKeep");
        if (size < 0 || size > steps.length || size > values.length) {
            throw new IllegalArgumentException("size must be in [0, " + Math.min(steps.length, values.length) + "]: " + size);
        }
        if (maxPoints < HistoryQuery.MIN_MAX_POINTS) {
            throw new IllegalArgumentException("maxPoints must be at least " + HistoryQuery.MIN_MAX_POINTS + ": " + maxPoints);
        }
        int lo = lowerBound(steps, 0, size, range.from());
        int hi = upperBound(steps, lo, size, range.to());
        if (hi - lo <= maxPoints) {
            int[] all = new int[hi - lo];
            Arrays.setAll(all, i -> lo + i);
            return all;
        }
        int[] kept = new int[maxPoints + alwaysKeep.length];
        int count = 0;
        kept[count++] = lo;
        kept[count++] = hi - 1;
        int[] extremes = new int[2];
        int budget = maxPoints - 2;
        if (budget == 1) {
            findExtremes(values, lo + 1, hi - 1, blocks, extremes);
            kept[count++] = fartherFromMidpoint(values, extremes, (values[lo] + values[hi - 1]) / 2, lo + 1);
        } else {
            int buckets = budget / 2;
            long first = steps[lo];
            long span = Math.subtractExact(steps[hi - 1], first);
            int start = lo;
            for (int k = 1; k <= buckets; k++) {
                int end = k == buckets ? hi : lowerBoundNear(steps, start, hi, first + fraction(span, k, buckets),
                        lo + (int) ((hi - lo) * ((double) k / buckets)));
                if (end > start) {
                    findExtremes(values, start, end, blocks, extremes);
                    if (extremes[0] < 0) {
                        kept[count++] = start;
                    } else {
                        kept[count++] = extremes[0];
                        kept[count++] = extremes[1];
                    }
                }
                start = end;
            }
        }
        for (int index : alwaysKeep) {
            if (index >= lo && index < hi) {
                kept[count++] = index;
            }
        }
        return sortedDistinct(kept, count);
    }

    /**
     * Sets {@code result[0]} and {@code result[1]} to the indices of the lowest and highest non-NaN
     * values in {@code [from, to)} (the earliest of equal values), or both to -1 when there are none.
     */
    static void findExtremes(float[] values, int from, int to, BlockExtremes blocks, int[] result) {
        result[0] = -1;
        result[1] = -1;
        int firstFullBlock = (from + BlockExtremes.SIZE - 1) >>> BlockExtremes.SHIFT;
        int endFullBlock = to >>> BlockExtremes.SHIFT;
        if (blocks == null || firstFullBlock >= endFullBlock) {
            scan(values, from, to, result);
            return;
        }
        scan(values, from, firstFullBlock << BlockExtremes.SHIFT, result);
        int min = result[0];
        int max = result[1];
        float minValue = min < 0 ? Float.NaN : values[min];
        float maxValue = max < 0 ? Float.NaN : values[max];
        for (int b = firstFullBlock; b < endFullBlock; b++) {
            if (blocks.minIndex[b] >= 0) {
                if (min < 0 || blocks.minValue[b] < minValue) {
                    min = blocks.minIndex[b];
                    minValue = blocks.minValue[b];
                }
                if (max < 0 || blocks.maxValue[b] > maxValue) {
                    max = blocks.maxIndex[b];
                    maxValue = blocks.maxValue[b];
                }
            }
        }
        result[0] = min;
        result[1] = max;
        scan(values, endFullBlock << BlockExtremes.SHIFT, to, result);
    }

    /** The first index in {@code [from, to)} whose step is at least {@code step}, or {@code to}. */
    static int lowerBound(long[] steps, int from, int to, long step) {
        int lo = from;
        int hi = to;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (steps[mid] < step) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /**
     * As {@link #lowerBound}, searching outwards from {@code guess} in doubling strides: bucket
     * edges of evenly logged steps are found in a probe or two instead of a cache miss per halving.
     */
    static int lowerBoundNear(long[] steps, int from, int to, long step, int guess) {
        int at = Math.max(from, Math.min(to, guess));
        if (at < to && steps[at] < step) {
            int below = at;
            int stride = 1;
            int probe = at + 1;
            while (probe < to && steps[probe] < step) {
                below = probe;
                stride <<= 1;
                probe = (int) Math.min(to, (long) below + stride);
            }
            return lowerBound(steps, below + 1, Math.min(probe, to), step);
        }
        int atOrAbove = at;
        int stride = 1;
        int probe = at - 1;
        while (probe >= from && steps[probe] >= step) {
            atOrAbove = probe;
            stride <<= 1;
            probe = (int) Math.max(from - 1L, (long) atOrAbove - stride);
        }
        return lowerBound(steps, Math.max(probe + 1, from), atOrAbove, step);
    }

    /** The first index in {@code [from, to)} whose step is greater than {@code step}, or {@code to}. */
    static int upperBound(long[] steps, int from, int to, long step) {
        int lo = from;
        int hi = to;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (steps[mid] <= step) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    private static void scan(float[] values, int from, int to, int[] result) {
        int min = result[0];
        int max = result[1];
        float minValue = min < 0 ? Float.NaN : values[min];
        float maxValue = max < 0 ? Float.NaN : values[max];
        for (int i = from; i < to; i++) {
            float v = values[i];
            if (v != v) {
                continue;
            }
            if (min < 0 || v < minValue) {
                min = i;
                minValue = v;
            }
            if (max < 0 || v > maxValue) {
                max = i;
                maxValue = v;
            }
        }
        result[0] = min;
        result[1] = max;
    }

    /** With room for one point between first and last: the inner extreme farther from their midpoint (the lowest on a tie). */
    private static int fartherFromMidpoint(float[] values, int[] extremes, float midpoint, int fallback) {
        if (extremes[0] < 0) {
            return fallback;
        }
        float below = midpoint - values[extremes[0]];
        float above = values[extremes[1]] - midpoint;
        return above > below ? extremes[1] : extremes[0];
    }

    /** {@code span * k / buckets} without overflow, for {@code 0 <= k <= buckets}. */
    private static long fraction(long span, int k, int buckets) {
        return span / buckets * k + span % buckets * k / buckets;
    }

    private static int[] sortedDistinct(int[] indices, int count) {
        Arrays.sort(indices, 0, count);
        int distinct = 0;
        for (int i = 0; i < count; i++) {
            if (distinct == 0 || indices[i] != indices[distinct - 1]) {
                indices[distinct++] = indices[i];
            }
        }
        return Arrays.copyOf(indices, distinct);
    }
}
