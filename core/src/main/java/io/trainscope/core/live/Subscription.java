package io.trainscope.core.live;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One subscriber's view of the {@link LiveFeed}: a cursor into the durable event log plus
 * latest-wins slots for the lossy batch frame and performance sample. The feed never waits
 * on it; it calls {@code onWake} (which must return at once) when something new arrives.
 * One consumer thread at a time polls it.
 */
public final class Subscription implements AutoCloseable {

    private final LiveFeed feed;
    private final boolean wantsFrames;
    private final Runnable onWake;
    private final AtomicReference<BatchFrame> frame = new AtomicReference<>();
    private final AtomicReference<PerformanceSample> performance = new AtomicReference<>();
    private final AtomicLong droppedFrames = new AtomicLong();
    private volatile long cursor;

    Subscription(LiveFeed feed, long afterSequence, boolean wantsFrames, Runnable onWake) {
        this.feed = feed;
        this.cursor = afterSequence;
        this.wantsFrames = wantsFrames;
        this.onWake = onWake;
    }

    /** Durable events after the last one polled, at most {@code max}; advances the cursor. */
    public List<Sequenced> pollEvents(int max) {
        List<Sequenced> events = feed.log().readAfter(cursor, max);
        if (!events.isEmpty()) {
            cursor = events.get(events.size() - 1).sequence();
        }
        return events;
    }

    /** The newest batch frame not yet taken, or null. */
    public BatchFrame pollFrame() {
        return frame.getAndSet(null);
    }

    /** The newest performance sample not yet taken, or null. */
    public PerformanceSample pollPerformance() {
        return performance.getAndSet(null);
    }

    /** Batch frames replaced before this subscriber took them. */
    public long droppedFrames() {
        return droppedFrames.get();
    }

    /** True when a poll would return something: a later event, a frame or a performance sample. */
    public boolean hasPending() {
        return cursor < feed.log().latestSequence() || frame.get() != null || performance.get() != null;
    }

    /** Sequence number of the last durable event polled. */
    public long cursor() {
        return cursor;
    }

    /** Offers a frame and wakes the consumer (also when it wants no frames: a step's scalars came with it). */
    void offerFrame(BatchFrame next) {
        if (wantsFrames && frame.getAndSet(next) != null) {
            droppedFrames.incrementAndGet();
        }
        onWake.run();
    }

    void offerPerformance(PerformanceSample next) {
        performance.set(next);
        onWake.run();
    }

    void wake() {
        onWake.run();
    }

    @Override
    public void close() {
        feed.unsubscribe(this);
    }
}
