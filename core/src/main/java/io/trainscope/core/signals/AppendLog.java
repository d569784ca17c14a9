package io.trainscope.core.signals;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The order in which points were appended across all curves: entry {@code s - 1} names the curve
 * and index of the point with sequence number {@code s}. Cursors are positions in this log.
 * One writer at a time; readers read the size first, as with {@link Curve}.
 */
final class AppendLog {

    private final AtomicInteger size = new AtomicInteger();
    private volatile long[] entries = new long[4096];

    void append(int curveId, int index) {
        int n = size.get();
        long[] e = entries;
        if (n == e.length) {
            if (n >= Integer.MAX_VALUE - 64) {
                throw new IllegalStateException("the signal store is full at " + n + " points");
            }
            e = Arrays.copyOf(e, (int) Math.min(Integer.MAX_VALUE - 64L, n + (long) (n >> 1)));
            entries = e;
        }
        e[n] = (long) curveId << 32 | index & 0xFFFF_FFFFL;
        size.lazySet(n + 1);
    }

    int size() {
        return size.get();
    }

    /** The entries array; read {@link #size()} first, and only entries below it. */
    long[] entries() {
        return entries;
    }

    static int curveId(long entry) {
        return (int) (entry >>> 32);
    }

    static int index(long entry) {
        return (int) entry;
    }
}
