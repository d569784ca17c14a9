package io.trainscope.core.signals;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class IncrementalReadTest {

    private static final String RUN = "aaaaaaaabbbbbbbbcccccccc";

    private final SettableClock clock = new SettableClock(Instant.ofEpochSecond(1_763_900_000L));
    private final InMemorySignalStore store = new InMemorySignalStore(clock);

    @Test
    void twoPollingClientsEachSeeEveryPointOnce() {
        List<SignalPoint> seenByA = new ArrayList<>();
        List<SignalPoint> seenByB = new ArrayList<>();
        for (int step = 0; step < 1_000; step++) {
            store.append("loss", RUN, step, step);
            store.append("accuracy", RUN, step, step / 1000f);
            if (step % 7 == 0) {
                seenByA.addAll(store.readNew("a", 10_000));
            }
            if (step % 13 == 0) {
                seenByB.addAll(store.readNew("b", 5));
            }
        }
        seenByA.addAll(store.readNew("a", 10_000));
        while (seenByB.size() < 2_000) {
            List<SignalPoint> more = store.readNew("b", 64);
            assertThat(more).isNotEmpty();
            seenByB.addAll(more);
        }

        assertThat(seenByA).hasSize(2_000).doesNotHaveDuplicates();
        assertThat(seenByB).containsExactlyElementsOf(seenByA);
        assertThat(seenByA.subList(0, 4)).extracting(p -> p.metric() + ":" + p.step())
                .containsExactly("loss:0", "accuracy:0", "loss:1", "accuracy:1");
        assertThat(store.readNew("a", 10)).isEmpty();
    }

    @Test
    void aClientNotSeenBeforeStartsFromTheFirstPointBoundedByTheLimit() {
        for (int step = 0; step < 50; step++) {
            store.append("loss", RUN, step, 1f);
        }

        assertThat(store.readNew("late", 20)).extracting(SignalPoint::step).startsWith(0L).hasSize(20);
        assertThat(store.readNew("late", 20)).extracting(SignalPoint::step).startsWith(20L).hasSize(20);
        assertThat(store.readNew("late", 20)).hasSize(10);
    }

    @Test
    void aClientIdleForMoreThanTenMinutesIsForgottenAndStartsAgain() {
        store.append("loss", RUN, 0, 1f);
        store.readNew("idle", 10);
        store.readNew("busy", 10);
        clock.advance(Duration.ofMinutes(6));
        store.readNew("busy", 10);
        clock.advance(Duration.ofMinutes(5));
        store.append("loss", RUN, 1, 1f);

        assertThat(store.readNew("busy", 10)).extracting(SignalPoint::step).containsExactly(1L);
        assertThat(store.clientCount()).isEqualTo(1);
        assertThat(store.readNew("idle", 10)).extracting(SignalPoint::step).containsExactly(0L, 1L);
    }

    @Test
    void newPointsCarryTheirNoteAndFlags() {
        store.append(SignalPoint.of("val/accuracy", RUN, 100, 0.9f, 1_000)
                .asEvaluationMarker("test", List.of("night"))
                .withFlag(SignalFlag.AUDIT_MODE)
                .withNote("after the fix"));

        assertThat(store.readNew("a", 10)).singleElement().satisfies(p -> {
            assertThat(p.flags()).containsExactlyInAnyOrder(SignalFlag.EVALUATION_MARKER, SignalFlag.AUDIT_MODE);
            assertThat(p.split()).isEqualTo("test");
            assertThat(p.tags()).containsExactly("night");
            assertThat(p.note()).isEqualTo("after the fix");
            assertThat(p.timestampSeconds()).isEqualTo(1_000);
        });
    }

    @Test
    void aLimitBelowOneIsRefusedWithItsName() {
        assertThatThrownBy(() -> store.readNew("a", 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("limit");
    }
}
