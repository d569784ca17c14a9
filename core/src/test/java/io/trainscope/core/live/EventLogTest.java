package io.trainscope.core.live;

import static io.trainscope.core.live.LiveFeedTest.scalars;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class EventLogTest {

    @Test
    void aLogThatGrowsPastItsFirstSlotsKeepsEveryEventInOrder() {
        EventLog log = new EventLog(10_000);
        for (int i = 1; i <= 5_000; i++) {
            log.append(scalars(i));
        }
        assertThat(log.oldestSequence()).isEqualTo(1);
        assertThat(log.readAfter(0, 5_000)).extracting(s -> ((LiveEvent.StepScalars) s.event()).step())
                .containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(1, 5_000).boxed().toList());
    }

    @Test
    void aLogThatGrewToItsCapacityForgetsOnlyWhatNoLongerFits() {
        EventLog log = new EventLog(3_000);
        for (int i = 1; i <= 3_500; i++) {
            log.append(scalars(i));
        }
        assertThat(log.oldestSequence()).isEqualTo(501);
        assertThat(log.readAfter(0, 3)).extracting(s -> ((LiveEvent.StepScalars) s.event()).step())
                .containsExactly(501L, 502L, 503L);
        assertThat(log.readAfter(3_497, 10)).extracting(Sequenced::sequence).containsExactly(3_498L, 3_499L, 3_500L);
    }
}
