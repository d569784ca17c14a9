package io.trainscope.core.live;

/**
 * Limits batch frames to a display's rate: a screen shows at most ~60 frames a second, so
 * building and sending more only takes cores from training. Every step's scalars are still
 * published; only the images of steps between two frames are skipped. A token bucket: steps
 * of uneven length (13 ms, then 25 ms) still give min(steps/s, rate) frames, and after a
 * pause at most {@link #BURST} frames go out at once. Training thread only.
 */
public final class FramePacer {

    /** Frames that may be sent back to back after a quiet spell. */
    static final double BURST = 3;

    private final long intervalNanos;
    private double tokens = 1;
    private long lastNanos;
    private boolean started;
    private long skipped;

    /** {@code maxFramesPerSecond} of 0 means no limit. */
    public FramePacer(int maxFramesPerSecond) {
        if (maxFramesPerSecond < 0) {
            throw new IllegalArgumentException("maxFramesPerSecond must not be negative: " + maxFramesPerSecond);
        }
        this.intervalNanos = maxFramesPerSecond == 0 ? 0 : 1_000_000_000L / maxFramesPerSecond;
    }

    /** True when a frame may be published now (and it is counted as sent). */
    public boolean due(long nowNanos) {
        if (intervalNanos == 0) {
            return true;
        }
        if (started) {
            tokens = Math.min(BURST, tokens + (double) (nowNanos - lastNanos) / intervalNanos);
        }
        started = true;
        lastNanos = nowNanos;
        if (tokens >= 1) {
            tokens -= 1;
            return true;
        }
        skipped++;
        return false;
    }

    /** Steps whose images were not turned into a frame. */
    public long skipped() {
        return skipped;
    }
}
