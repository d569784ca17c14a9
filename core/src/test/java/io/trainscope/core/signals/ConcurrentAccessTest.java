package io.trainscope.core.signals;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class ConcurrentAccessTest {

    private static final String RUN = "aaaaaaaabbbbbbbbcccccccc";
    private static final int STEPS = 300_000;

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void readersWhileTheTrainingThreadAppendsSeeConsistentCurvesAndEveryPointOnce() throws Exception {
        InMemorySignalStore store = new InMemorySignalStore();
        ExecutorService threads = Executors.newFixedThreadPool(3);
        try {
            Future<?> training = threads.submit(() -> {
                for (int step = 0; step < STEPS; step++) {
                    store.append("loss", RUN, step, step % 1000 == 0 ? 100f : 1f);
                    store.append("accuracy", RUN, step, 0.5f);
                }
            });
            Future<List<SignalPoint>> poller = threads.submit(() -> {
                List<SignalPoint> seen = new ArrayList<>();
                while (seen.size() < 2 * STEPS) {
                    seen.addAll(store.readNew("poller", 5_000));
                }
                return seen;
            });
            Future<Integer> charts = threads.submit(() -> {
                int reads = 0;
                while (!training.isDone()) {
                    SignalHistory history = store.history(HistoryQuery.all().withMaxPoints(300));
                    for (CurveSummary curve : history.curves()) {
                        assertThat(curve.lastStep()).isEqualTo(curve.pointCount() - 1);
                    }
                    assertThat(history.points()).allSatisfy(p -> assertThat(p.value()).isIn(100f, 1f, 0.5f));
                    reads++;
                }
                return reads;
            });

            training.get();
            List<SignalPoint> seen = poller.get();
            assertThat(charts.get()).isPositive();
            assertThat(seen).hasSize(2 * STEPS);
            long outOfOrder = java.util.stream.IntStream.range(0, seen.size())
                    .filter(i -> seen.get(i).step() != i / 2).count();
            assertThat(outOfOrder).isZero();
        } finally {
            threads.shutdownNow();
        }
    }
}
