package io.trainscope.core.signals;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class SignalHistoryTest {

    private static final String RUN_A = "aaaaaaaabbbbbbbbcccccccc";
    private static final String RUN_B = "bbbbbbbbbbbbbbbbbbbbbbbb";
    private static final long NOW = 1_763_900_000L;

    private final InMemorySignalStore store = new InMemorySignalStore(new SettableClock(Instant.ofEpochSecond(NOW)));

    @Test
    void pointsAreGroupedByMetricThenSortedByRunAndStep() {
        store.append("train/loss", RUN_B, 0, 1f);
        store.append("lr", RUN_A, 0, 0.1f);
        store.append("train/loss", RUN_A, 0, 2f);
        store.append("train/loss", RUN_B, 1, 0.9f);
        store.append("train/loss", RUN_A, 1, 1.8f);

        SignalHistory history = store.history(HistoryQuery.all());

        assertThat(history.points()).extracting(p -> p.metric() + "@" + p.runHash().charAt(0) + ":" + p.step())
                .containsExactly("lr@a:0", "train/loss@a:0", "train/loss@a:1", "train/loss@b:0", "train/loss@b:1");
        assertThat(history.points().get(0).timestampSeconds()).isEqualTo(NOW);
        assertThat(history.curves()).extracting(CurveSummary::metric).containsExactly("lr", "train/loss", "train/loss");
    }

    @Test
    void eachCurveIsReducedToTheTargetAndTheRequestIsEchoed() {
        appendLinear("loss", RUN_A, 10_000);
        appendLinear("loss", RUN_B, 5_000);

        SignalHistory history = store.history(HistoryQuery.all().withMaxPoints(200));

        assertThat(history.appliedMaxPoints()).isEqualTo(200);
        assertThat(history.points().stream().filter(p -> p.runHash().equals(RUN_A))).hasSizeLessThanOrEqualTo(200);
        assertThat(history.points().stream().filter(p -> p.runHash().equals(RUN_B))).hasSizeLessThanOrEqualTo(200);
        assertThat(history.points()).hasSizeGreaterThan(300);
    }

    @Test
    void maxPointsZeroMeansAThousandAndTheFloorIsThree() {
        appendLinear("loss", RUN_A, 10_000);

        assertThat(store.history(HistoryQuery.all()).appliedMaxPoints()).isEqualTo(1000);
        assertThat(store.history(HistoryQuery.all()).points()).hasSizeBetween(900, 1000);
        SignalHistory tiny = store.history(HistoryQuery.all().withMaxPoints(1));
        assertThat(tiny.appliedMaxPoints()).isEqualTo(1);
        assertThat(tiny.points()).hasSize(3);
    }

    @Test
    void notesEvaluationMarkersAndHyperparameterChangesAreAlwaysKept() {
        appendLinear("loss", RUN_A, 2_000);
        store.append(SignalPoint.of("loss", RUN_A, 2_000, 0.5f, NOW).asEvaluationMarker("validation", List.of("hard")));
        store.append(SignalPoint.of("loss", RUN_A, 2_001, 0.5f, NOW).withFlag(SignalFlag.HYPERPARAMETER_CHANGE));
        appendLinear("loss", RUN_A, 2_002, 4_000);
        store.setNote("loss", RUN_A, 1_234, "lr too high?");

        List<SignalPoint> points = store.history(HistoryQuery.all().withMaxPoints(10)).points();

        assertThat(points).extracting(SignalPoint::step).contains(0L, 1_234L, 2_000L, 2_001L, 3_999L);
        SignalPoint marker = points.stream().filter(SignalPoint::isEvaluationMarker).findFirst().orElseThrow();
        assertThat(marker.split()).isEqualTo("validation");
        assertThat(marker.tags()).containsExactly("hard");
        assertThat(points).filteredOn(p -> p.step() == 1_234).extracting(SignalPoint::note).containsExactly("lr too high?");
    }

    @Test
    void aStepRangeReturnsOnlyVisiblePointsButTheIndexStillCoversTheWholeCurve() {
        appendLinear("loss", RUN_A, 100_000);

        SignalHistory zoomed = store.history(HistoryQuery.all().withMaxPoints(100).withRange(new StepRange(40_000, 40_499)));

        assertThat(zoomed.points()).hasSizeBetween(90, 100)
                .allSatisfy(p -> assertThat(p.step()).isBetween(40_000L, 40_499L));
        assertThat(zoomed.points().get(0).step()).isEqualTo(40_000);
        assertThat(zoomed.curves()).singleElement().satisfies(c -> {
            assertThat(c.firstStep()).isZero();
            assertThat(c.lastStep()).isEqualTo(99_999);
        });
    }

    @Test
    void metricNamesAndRunHashesLimitTheCurves() {
        store.append("loss", RUN_A, 0, 1f);
        store.append("loss", RUN_B, 0, 1f);
        store.append("accuracy", RUN_A, 0, 0.5f);

        SignalHistory history = store.history(HistoryQuery.all().withMetrics(List.of("loss")).withRunHashes(List.of(RUN_B)));

        assertThat(history.curves()).extracting(CurveSummary::metric, CurveSummary::runHash).containsExactly(
                org.assertj.core.groups.Tuple.tuple("loss", RUN_B));
        assertThat(history.points()).extracting(SignalPoint::runHash).containsExactly(RUN_B);
    }

    @Test
    void indexOnlyGivesBoundsCountsAndValueRangeWithoutPoints() {
        for (int step = 10; step < 10_010; step++) {
            store.append("loss", RUN_A, step, step == 5_000 ? -3f : step == 7_000 ? 42f : 1f);
        }

        SignalHistory index = store.history(HistoryQuery.all().withIndexOnly(true).withRange(new StepRange(0, 20)));

        assertThat(index.points()).isEmpty();
        assertThat(index.curves()).containsExactly(new CurveSummary("loss", RUN_A, 10, 10_009, 10_000, -3, 42));
    }

    @Test
    void aLiveCurveIsReducedLikeAFinishedCurveWithTheSamePoints() {
        InMemorySignalStore finished = new InMemorySignalStore(new SettableClock(Instant.ofEpochSecond(NOW)));
        for (int step = 0; step < 30_000; step++) {
            float value = (float) Math.sin(step / 300.0) + (step % 997 == 0 ? 5 : 0);
            store.append("loss", RUN_A, step, value);
            if (step < 20_017) {
                finished.append("loss", RUN_A, step, value);
            }
            if (step == 20_016) {
                assertThat(store.history(HistoryQuery.all())).isEqualTo(finished.history(HistoryQuery.all()));
            }
        }
    }

    @Test
    void aCurveWhoseStepsWentBackIsStillReducedInStepOrder() {
        appendLinear("loss", RUN_A, 5_000);
        for (int step = 3_000; step < 8_000; step++) {
            store.append("loss", RUN_A, step, step == 6_000 ? 99f : 0.1f);
        }

        SignalHistory history = store.history(HistoryQuery.all().withMaxPoints(100));

        assertThat(history.points()).extracting(SignalPoint::step).isSorted().contains(0L, 6_000L, 7_999L);
        assertThat(history.points()).hasSizeLessThanOrEqualTo(100);
        assertThat(history.curves().get(0)).satisfies(c -> {
            assertThat(c.firstStep()).isZero();
            assertThat(c.lastStep()).isEqualTo(7_999);
            assertThat(c.pointCount()).isEqualTo(10_000);
        });
    }

    @Test
    void anEmptyStoreHasNoCurves() {
        assertThat(store.history(HistoryQuery.all())).isEqualTo(new SignalHistory(List.of(), List.of(), 1000));
    }

    @Test
    void badPointsAreRefusedWithTheArgumentNamed() {
        assertThatThrownBy(() -> store.append(" ", RUN_A, 0, 1f)).hasMessageContaining("metric");
        assertThatThrownBy(() -> store.append("loss", "", 0, 1f)).hasMessageContaining("runHash");
        assertThatThrownBy(() -> store.append("loss", RUN_A, -1, 1f)).hasMessageContaining("step");
        assertThatThrownBy(() -> new StepRange(5, 4)).hasMessageContaining("from (5)");
    }

    private void appendLinear(String metric, String run, int count) {
        appendLinear(metric, run, 0, count);
    }

    private void appendLinear(String metric, String run, int from, int to) {
        for (int step = from; step < to; step++) {
            store.append(metric, run, step, 10f - step * 1e-4f);
        }
    }
}
