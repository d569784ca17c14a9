package io.trainscope.core.live;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;

/**
 * The replayable part of the live feed: a bounded in-memory ring of durable events with
 * gap-free sequence numbers from 1. When full, the oldest events are forgotten; a reader
 * that asks for them gets the oldest still held.
 */
public final class EventLog {

    /** The ring starts this small and doubles up to its capacity: most runs never need a million slots. */
    private static final int INITIAL_SLOTS = 1024;

    private final int capacity;
    private LiveEvent[] ring;
    private long nextSequence = 1;

    public EventLog(int capacity) {
        if (capacity <= 0) {
            throw new IllegalArgumentException("capacity must be positive: " + capacity);
        }
        this.capacity = capacity;
        this.ring = new LiveEvent[Math.min(capacity, INITIAL_SLOTS)];
    }

    /** Appends an event and returns its sequence number. O(1) amortised; never blocks for long. */
    public synchronized long append(LiveEvent event) {
        requireNonNull(event, "event");
        if (nextSequence - 1 == ring.length && ring.length < capacity) {
            grow();
        }
        long sequence = nextSequence++;
        ring[(int) (sequence % ring.length)] = event;
        return sequence;
    }

    /** Before the first event would be overwritten: every event so far moves to its slot in a larger ring. */
    private void grow() {
        LiveEvent[] larger = new LiveEvent[(int) Math.min(capacity, 2L * ring.length)];
        for (long s = 1; s < nextSequence; s++) {
            larger[(int) (s % larger.length)] = ring[(int) (s % ring.length)];
        }
        ring = larger;
    }

    /** Up to {@code max} events with a sequence number greater than {@code after}, in order. */
    public synchronized List<Sequenced> readAfter(long after, int max) {
        long from = Math.max(after + 1, oldestSequenceLocked());
        long to = Math.min(nextSequence, from + max);
        List<Sequenced> out = new ArrayList<>((int) Math.max(0, to - from));
        for (long s = from; s < to; s++) {
            out.add(new Sequenced(s, ring[(int) (s % ring.length)]));
        }
        return out;
    }

    /** The sequence number of the newest event, 0 when empty. */
    public synchronized long latestSequence() {
        return nextSequence - 1;
    }

    /** The oldest sequence number still held (1 until the ring wraps). */
    public synchronized long oldestSequence() {
        return oldestSequenceLocked();
    }

    private long oldestSequenceLocked() {
        return Math.max(1, nextSequence - ring.length);
    }
}
