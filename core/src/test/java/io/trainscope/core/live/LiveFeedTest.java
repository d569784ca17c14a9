package io.trainscope.core.live;

import static org.assertj.core.api.Assertions.assertThat;

import io.trainscope.core.control.RunStatus;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class LiveFeedTest {

    private final LiveFeed feed = new LiveFeed(100);

    @Test
    void aSubscriberThatReconnectsAfterASequenceGetsEveryLaterDurableEventOnce() {
        for (int i = 1; i <= 10; i++) {
            feed.publish(scalars(i));
        }
        Subscription first = feed.subscribe(0, true, () -> {});
        List<Sequenced> seen = first.pollEvents(4);
        assertThat(seen).extracting(Sequenced::sequence).containsExactly(1L, 2L, 3L, 4L);
        first.close();

        Subscription again = feed.subscribe(first.cursor(), true, () -> {});
        assertThat(again.pollEvents(100)).extracting(Sequenced::sequence).containsExactly(5L, 6L, 7L, 8L, 9L, 10L);
        assertThat(again.pollEvents(100)).isEmpty();
    }

    @Test
    void aSlowSubscriberGetsOnlyTheNewestFrameAndTheLossIsCounted() {
        Subscription slow = feed.subscribe(0, true, () -> {});
        for (int step = 1; step <= 5; step++) {
            feed.publish(frame(step));
        }
        assertThat(slow.pollFrame().step()).isEqualTo(5);
        assertThat(slow.pollFrame()).isNull();
        assertThat(slow.droppedFrames()).isEqualTo(4);
        assertThat(feed.publishedFrames()).isEqualTo(5);
    }

    @Test
    void publishingWakesSubscribersWithoutWaitingForThem() {
        AtomicInteger wakes = new AtomicInteger();
        feed.subscribe(0, true, wakes::incrementAndGet);
        feed.publish(frame(1));
        feed.publish(new LiveEvent.StatusChange(RunStatus.RUNNING, "go", 1));
        assertThat(wakes).hasValue(2);
    }

    @Test
    void aSubscriberWithoutFramesIsNotOfferedThem() {
        Subscription logger = feed.subscribe(0, false, () -> {});
        feed.publish(frame(1));
        assertThat(logger.pollFrame()).isNull();
        assertThat(logger.droppedFrames()).isZero();
    }

    @Test
    void theLogForgetsItsOldestEventsWhenFullAndReplaysFromTheOldestHeld() {
        EventLog log = new EventLog(3);
        for (int i = 1; i <= 5; i++) {
            log.append(scalars(i));
        }
        assertThat(log.oldestSequence()).isEqualTo(3);
        assertThat(log.readAfter(0, 10)).extracting(Sequenced::sequence).containsExactly(3L, 4L, 5L);
        assertThat(log.latestSequence()).isEqualTo(5);
    }

    static LiveEvent.StepScalars scalars(long step) {
        return new LiveEvent.StepScalars(step, 0, 1f, 0.5f, 1e-3f, 64);
    }

    static BatchFrame frame(long step) {
        var image = new FrameImage.Raw("train/" + step, 2, 2, 1, new float[4]);
        return new BatchFrame(0, (int) step, 64, step, List.of(image), new int[] {1}, new float[] {0.9f}, new int[] {1},
                1f, 0.5f, 0);
    }
}
