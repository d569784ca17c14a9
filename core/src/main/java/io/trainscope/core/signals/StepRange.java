package io.trainscope.core.signals;

/** An inclusive range of training steps, such as the visible x range of a zoomed chart. */
public record StepRange(long from, long to) {

    /** Every step. */
    public static final StepRange ALL = new StepRange(Long.MIN_VALUE, Long.MAX_VALUE);

    public StepRange {
        if (from > to) {
            throw new IllegalArgumentException("from (" + from + ") must not be greater than to (" + to + ")");
        }
    }

    public boolean contains(long step) {
        return step >= from && step <= to;
    }
}
