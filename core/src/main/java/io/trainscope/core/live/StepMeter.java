package io.trainscope.core.live;

/**
 * Steps per second, as the training thread finishes steps: the rate over the last second
 * (what "FPS" shows) and over all time spent training (pauses excluded). Recording is a few
 * field writes; readers on other threads get a consistent snapshot.
 */
public final class StepMeter {

    private static final long WINDOW_NANOS = 1_000_000_000L;
    /** A gap longer than this between two steps is a pause, not training time. */
    private static final long PAUSE_GAP_NANOS = 2_000_000_000L;

    private final long[] ends = new long[1024];
    private long count;
    private long activeNanos;
    private long lastEnd;
    private double lastStepMillis;

    /** Records one finished step that took {@code durationNanos}, ending now. */
    public synchronized void stepFinished(long endNanos, long durationNanos) {
        ends[(int) (count % ends.length)] = endNanos;
        long sinceLast = count == 0 ? durationNanos : endNanos - lastEnd;
        activeNanos += sinceLast > PAUSE_GAP_NANOS ? durationNanos : sinceLast;
        lastEnd = endNanos;
        lastStepMillis = durationNanos / 1e6;
        count++;
    }

    /** Steps that finished in the second before {@code nowNanos}. */
    public synchronized double currentFps(long nowNanos) {
        long n = Math.min(count, ends.length);
        int within = 0;
        for (long i = count - 1; i >= count - n; i--) {
            if (nowNanos - ends[(int) (i % ends.length)] > WINDOW_NANOS) {
                break;
            }
            within++;
        }
        return within * 1e9 / WINDOW_NANOS;
    }

    public synchronized double averageFps() {
        return activeNanos == 0 ? 0 : count * 1e9 / activeNanos;
    }

    public synchronized double lastStepMillis() {
        return lastStepMillis;
    }
}
