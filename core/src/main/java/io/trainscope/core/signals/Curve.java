package io.trainscope.core.signals;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The stored points of one curve (one metric of one run) in primitive columns, appended by one
 * writer at a time and read without locks: the writer fills a slot, then publishes the new size
 * with a release store; a reader reads the size first and sees every slot below it. Columns grow by
 * copying, and a grown copy is published before the size that needs it.
 */
final class Curve {

    private static final int INITIAL_CAPACITY = 1024;
    private static final int MAX_CAPACITY = Integer.MAX_VALUE - 64;

    final int id;
    final String metric;
    final String runHash;

    private final AtomicInteger size = new AtomicInteger();
    private volatile Columns columns = new Columns(INITIAL_CAPACITY);
    private volatile Kept kept = Kept.NONE;
    private volatile boolean sorted = true;
    /** Split and tags of evaluation markers, by index; rare, so kept out of the columns. */
    private final ConcurrentHashMap<Integer, Evaluation> evaluations = new ConcurrentHashMap<>();
    /** User notes by step: a note belongs to every point of the curve at that step. */
    private final ConcurrentHashMap<Long, String> notes = new ConcurrentHashMap<>();

    Curve(int id, String metric, String runHash) {
        this.id = id;
        this.metric = metric;
        this.runHash = runHash;
    }

    /** Appends a point and returns its index. Callers serialize appends. */
    int append(long step, float value, int timestamp, byte flags, Evaluation evaluation) {
        int index = size.get();
        Columns c = columns;
        if (index == c.steps.length) {
            if (index >= MAX_CAPACITY) {
                throw new IllegalStateException("curve " + metric + "@" + runHash + " is full at " + index + " points");
            }
            c = c.grow((int) Math.min(MAX_CAPACITY, (long) index + (index >> 1)));
            columns = c;
        }
        c.steps[index] = step;
        c.values[index] = value;
        c.timestamps[index] = timestamp;
        c.flags[index] = flags;
        c.blocks.extend(index, value);
        if (index > 0 && step < c.steps[index - 1]) {
            sorted = false;
        }
        if (evaluation != null) {
            evaluations.put(index, evaluation);
        }
        if ((flags & SignalFlag.ALWAYS_KEPT_BITS) != 0) {
            kept = kept.plus(index);
        }
        size.lazySet(index + 1);
        return index;
    }

    /** Sets or, when blank, clears the note at {@code step}. */
    void setNote(long step, String note) {
        if (note.isBlank()) {
            notes.remove(step);
        } else {
            notes.put(step, note);
        }
    }

    /** A consistent view of the points appended so far. */
    CurveView view() {
        int n = size.get();
        return new CurveView(this, columns, n, sorted, kept);
    }

    int size() {
        return size.get();
    }

    String note(long step) {
        return notes.isEmpty() ? "" : notes.getOrDefault(step, "");
    }

    long[] notedSteps() {
        return notes.keySet().stream().mapToLong(Long::longValue).toArray();
    }

    Evaluation evaluation(int index) {
        return evaluations.get(index);
    }

    /** The split and tag filter of an evaluation marker. */
    record Evaluation(String split, List<String> tags) {}

    /** The columns; slots below the published size are never written again. */
    static final class Columns {
        final long[] steps;
        final float[] values;
        /** Unix seconds, unsigned. */
        final int[] timestamps;
        final byte[] flags;
        final BlockExtremes blocks;

        Columns(int capacity) {
            this(new long[capacity], new float[capacity], new int[capacity], new byte[capacity], new BlockExtremes(capacity));
        }

        private Columns(long[] steps, float[] values, int[] timestamps, byte[] flags, BlockExtremes blocks) {
            this.steps = steps;
            this.values = values;
            this.timestamps = timestamps;
            this.flags = flags;
            this.blocks = blocks;
        }

        Columns grow(int capacity) {
            return new Columns(Arrays.copyOf(steps, capacity), Arrays.copyOf(values, capacity),
                    Arrays.copyOf(timestamps, capacity), Arrays.copyOf(flags, capacity), blocks.grow(capacity));
        }
    }

    /** Indices of always-kept points, ascending; a new holder per addition shares the array until it grows. */
    static final class Kept {
        static final Kept NONE = new Kept(new int[0], 0);

        final int[] indices;
        final int count;

        private Kept(int[] indices, int count) {
            this.indices = indices;
            this.count = count;
        }

        Kept plus(int index) {
            int[] grown = count < indices.length ? indices : Arrays.copyOf(indices, Math.max(8, count * 2));
            grown[count] = index;
            return new Kept(grown, count + 1);
        }
    }
}
