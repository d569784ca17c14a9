package io.trainscope.core.live;

/**
 * Limits batch frames to a display's rate: a screen shows at most ~60 frames a second, so
 * building and sending more only takes cores from training. Every step's scalars are still
 * published; only the images of steps between two frames are skipped. Training thread only.
 */
public final class FramePacer {

    private final long intervalNanos;
    private long nextDueNanos;
    private long skipped;

    /** {@code maxFramesPerSecond} of 0 means no limit. */
    public FramePacer(int maxFramesPerSecond) {
        if (maxFramesPerSecond < 0) {
            throw new IllegalArgumentException("maxFramesPerSecond must not be negative: " + maxFramesPerSecond);
        }
        this.intervalNanos = maxFramesPerSecond == 0 ? 0 : 1_000_000_000L / maxFramesPerSecond;
    }

    /** True when a frame may be published now; then the next one is due an interval later. */
    public boolean due(long nowNanos) {
        if (nowNanos - nextDueNanos < 0) {
            skipped++;
            return false;
        }
        // Keep the cadence, not the gap: with steps of 13 ms a 16.7 ms gap rule would send
        // every other step (38 fps). Catch-up after a pause is limited to one extra frame.
        nextDueNanos = Math.max(nextDueNanos + intervalNanos, nowNanos);
        return true;
    }

    /** Steps whose images were not turned into a frame. */
    public long skipped() {
        return skipped;
    }
}
