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
        // Allow a little early so a 60 fps cadence of steps is not halved by timer jitter.
        nextDueNanos = nowNanos + intervalNanos - intervalNanos / 8;
        return true;
    }

    /** Steps whose images were not turned into a frame. */
    public long skipped() {
        return skipped;
    }
}
