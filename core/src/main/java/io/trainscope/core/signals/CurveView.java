package io.trainscope.core.signals;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntUnaryOperator;

/**
 * The first {@code size} points of a curve, read without locks while the writer goes on appending.
 * Reductions work on the columns in place when steps are sorted (the normal case), and on a copy
 * sorted by step when a run logged a step lower than an earlier one (after a rewind, say).
 */
final class CurveView {

    private final Curve curve;
    private final Curve.Columns columns;
    private final int size;
    private final boolean sorted;
    private final Curve.Kept kept;

    CurveView(Curve curve, Curve.Columns columns, int size, boolean sorted, Curve.Kept kept) {
        this.curve = curve;
        this.columns = columns;
        this.size = size;
        this.sorted = sorted;
        this.kept = kept;
    }

    int size() {
        return size;
    }

    CurveSummary summary() {
        long first = Long.MAX_VALUE;
        long last = Long.MIN_VALUE;
        if (sorted) {
            first = columns.steps[0];
            last = columns.steps[size - 1];
        } else {
            for (int i = 0; i < size; i++) {
                first = Math.min(first, columns.steps[i]);
                last = Math.max(last, columns.steps[i]);
            }
        }
        int[] extremes = new int[2];
        Downsampler.findExtremes(columns.values, 0, size, columns.blocks, extremes);
        double min = extremes[0] < 0 ? Double.NaN : columns.values[extremes[0]];
        double max = extremes[1] < 0 ? Double.NaN : columns.values[extremes[1]];
        return new CurveSummary(curve.metric, curve.runHash, first, last, size, min, max);
    }

    /** The points to draw in {@code range}, sorted by step: about {@code target} plus every always-kept one. */
    List<SignalPoint> reduce(StepRange range, int target) {
        int[] chosen;
        if (sorted) {
            int[] keep = alwaysKept(columns.steps, index -> index);
            chosen = Downsampler.select(columns.steps, columns.values, size, range, target, keep, columns.blocks);
        } else {
            int[] order = orderByStep(columns.steps, size);
            int[] position = new int[size];
            long[] steps = new long[size];
            float[] values = new float[size];
            for (int p = 0; p < size; p++) {
                position[order[p]] = p;
                steps[p] = columns.steps[order[p]];
                values[p] = columns.values[order[p]];
            }
            int[] keep = alwaysKept(steps, index -> position[index]);
            chosen = Downsampler.select(steps, values, size, range, target, keep);
            for (int i = 0; i < chosen.length; i++) {
                chosen[i] = order[chosen[i]];
            }
        }
        List<SignalPoint> points = new ArrayList<>(chosen.length);
        for (int index : chosen) {
            points.add(point(index));
        }
        return points;
    }

    boolean containsStep(long step) {
        if (sorted) {
            int at = Downsampler.lowerBound(columns.steps, 0, size, step);
            return at < size && columns.steps[at] == step;
        }
        for (int i = 0; i < size; i++) {
            if (columns.steps[i] == step) {
                return true;
            }
        }
        return false;
    }

    SignalPoint point(int index) {
        long step = columns.steps[index];
        byte flags = columns.flags[index];
        Curve.Evaluation evaluation = (flags & SignalFlag.EVALUATION_MARKER.bit()) != 0 ? curve.evaluation(index) : null;
        return new SignalPoint(curve.metric, curve.runHash, step, columns.values[index],
                Integer.toUnsignedLong(columns.timestamps[index]), SignalFlag.fromBits(flags),
                evaluation == null ? "" : evaluation.split(), evaluation == null ? List.of() : evaluation.tags(),
                curve.note(step));
    }

    /**
     * Positions (in {@code steps}, sorted) of the flagged points and of every point at a noted step;
     * {@code positionOf} maps a column index to its position.
     */
    private int[] alwaysKept(long[] steps, IntUnaryOperator positionOf) {
        long[] noted = curve.notedSteps();
        int[] keep = new int[kept.count];
        int count = 0;
        for (int i = 0; i < kept.count; i++) {
            if (kept.indices[i] < size) {
                keep[count++] = positionOf.applyAsInt(kept.indices[i]);
            }
        }
        for (long step : noted) {
            int from = Downsampler.lowerBound(steps, 0, size, step);
            int to = Downsampler.upperBound(steps, from, size, step);
            if (to > from) {
                if (count + (to - from) > keep.length) {
                    keep = Arrays.copyOf(keep, Math.max(keep.length * 2, count + (to - from)));
                }
                for (int p = from; p < to; p++) {
                    keep[count++] = p;
                }
            }
        }
        return Arrays.copyOf(keep, count);
    }

    /** Indices {@code [0, n)} ordered by step, keeping append order among equal steps (a bottom-up merge sort). */
    static int[] orderByStep(long[] steps, int n) {
        int[] order = new int[n];
        Arrays.setAll(order, i -> i);
        int[] buffer = new int[n];
        for (long width = 1; width < n; width *= 2) {
            for (long start = 0; start < n; start += 2 * width) {
                int lo = (int) start;
                int mid = (int) Math.min(start + width, n);
                int hi = (int) Math.min(start + 2 * width, n);
                int i = lo;
                int j = mid;
                int k = lo;
                while (i < mid && j < hi) {
                    buffer[k++] = steps[order[j]] < steps[order[i]] ? order[j++] : order[i++];
                }
                while (i < mid) {
                    buffer[k++] = order[i++];
                }
                while (j < hi) {
                    buffer[k++] = order[j++];
                }
            }
            int[] swap = order;
            order = buffer;
            buffer = swap;
        }
        return order;
    }
}
