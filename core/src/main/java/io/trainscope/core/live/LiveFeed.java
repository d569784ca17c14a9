package io.trainscope.core.live;

import static java.util.Objects.requireNonNull;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The fan-out of a run's live messages to any number of subscribers. Publishing never
 * blocks on a subscriber: durable events go to the {@link EventLog}, frames and performance
 * samples to each subscriber's latest-wins slot.
 */
public final class LiveFeed {

    private final EventLog log;
    private final Set<Subscription> subscriptions = ConcurrentHashMap.newKeySet();
    private final AtomicLong publishedFrames = new AtomicLong();

    public LiveFeed(int eventCapacity) {
        this.log = new EventLog(eventCapacity);
    }

    /** Appends a durable event and wakes every subscriber; returns its sequence number. */
    public long publish(LiveEvent event) {
        long sequence = log.append(event);
        subscriptions.forEach(Subscription::wake);
        return sequence;
    }

    /** Offers a batch frame to every subscriber, replacing one it has not taken yet. */
    public void publish(BatchFrame frame) {
        requireNonNull(frame, "frame");
        publishedFrames.incrementAndGet();
        subscriptions.forEach(s -> s.offerFrame(frame));
    }

    /**
     * Publishes one training step: its durable scalars and, when not null, its frame, waking
     * each subscriber once (a wake-up costs a thread hand-off, and this runs every step).
     */
    public void publishStep(LiveEvent.StepScalars scalars, BatchFrame frame) {
        log.append(scalars);
        if (frame == null) {
            subscriptions.forEach(Subscription::wake);
            return;
        }
        publishedFrames.incrementAndGet();
        subscriptions.forEach(s -> s.offerFrame(frame));
    }

    public void publish(PerformanceSample sample) {
        requireNonNull(sample, "sample");
        subscriptions.forEach(s -> s.offerPerformance(sample));
    }

    /**
     * Subscribes from just after {@code afterSequence} (0: everything still held).
     * {@code onWake} runs on the publisher's thread and must only schedule work.
     */
    public Subscription subscribe(long afterSequence, boolean wantsFrames, Runnable onWake) {
        if (afterSequence < 0) {
            throw new IllegalArgumentException("afterSequence must not be negative: " + afterSequence);
        }
        Subscription s = new Subscription(this, afterSequence, wantsFrames, requireNonNull(onWake, "onWake"));
        subscriptions.add(s);
        return s;
    }

    public int subscriberCount() {
        return subscriptions.size();
    }

    public long publishedFrames() {
        return publishedFrames.get();
    }

    public EventLog log() {
        return log;
    }

    void unsubscribe(Subscription s) {
        subscriptions.remove(s);
    }
}
