package io.trainscope.server.experiment;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.trainscope.core.signals.InMemorySignalStore;
import io.trainscope.proto.weightslab.GetLatestLoggerDataRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class LoggerDataTest {

    @Test
    void aFourthConcurrentCallIsRefusedAtOnceWithResourceExhausted() throws Exception {
        InMemorySignalStore store = new InMemorySignalStore();
        for (int curve = 0; curve < 4; curve++) {
            for (long step = 1; step <= 2_500_000; step++) {
                store.append("m" + curve, "run", step, (float) Math.sin(step), 0);
            }
        }
        LoggerData loggerData = new LoggerData(store);
        GetLatestLoggerDataRequest full = GetLatestLoggerDataRequest.newBuilder().setRequestFullHistory(true).build();
        loggerData.answer(full, "warm-up");

        int callers = 8;
        ExecutorService pool = Executors.newFixedThreadPool(callers);
        CountDownLatch go = new CountDownLatch(1);
        // Each call returns its duration, negative when it was served.
        List<Future<Long>> durations = new ArrayList<>();
        for (int i = 0; i < callers; i++) {
            String client = "c" + i;
            durations.add(pool.submit(() -> {
                go.await();
                long start = System.nanoTime();
                try {
                    loggerData.answer(full, client);
                    return -(System.nanoTime() - start);
                } catch (StatusRuntimeException e) {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
                    assertThat(e.getStatus().getDescription()).contains("3 calls are already running");
                    return System.nanoTime() - start;
                }
            }));
        }
        go.countDown();
        List<Long> served = new ArrayList<>();
        List<Long> refused = new ArrayList<>();
        for (Future<Long> f : durations) {
            long d = f.get(60, TimeUnit.SECONDS);
            (d < 0 ? served : refused).add(Math.abs(d));
        }
        pool.shutdown();
        // Without the limit all eight would be served. A refusal never waits for a slot (tryAcquire
        // with no timeout); on 2 cores its wall time only measures how long it waited for a CPU.
        assertThat(served).hasSizeBetween(3, callers - 1);
        assertThat(refused).hasSize(callers - served.size());
        assertThat(loggerData.answer(full, "after").getCurvesCount()).as("slots are given back").isEqualTo(4);
    }
}
