package io.trainscope.core.signals;

/** A note was set on a point (metric, run, step) that the store does not hold; the message names the point. */
public final class SignalPointNotFoundException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public SignalPointNotFoundException(String metric, String runHash, long step) {
        super("Signal point not found for note update: " + metric + "@" + runHash + ":" + step);
    }
}
