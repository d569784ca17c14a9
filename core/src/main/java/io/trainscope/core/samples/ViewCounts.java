package io.trainscope.core.samples;

/** The size of a client's view of the table and how many of its samples are discarded. */
public record ViewCounts(long all, long discarded) {

    /** Samples of the view that training still draws. */
    public long inLoop() {
        return all - discarded;
    }
}
