package io.trainscope.core.live;

import io.trainscope.core.StoppedThreads;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/** Publishes a {@link PerformanceSample} to the feed at a fixed rate, off the training thread. */
public final class PerformanceMonitor implements AutoCloseable {

    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "trainscope-performance");
        t.setDaemon(true);
        return t;
    });
    private final ResourceProbe probe = new ResourceProbe();

    public PerformanceMonitor(LiveFeed feed, StepMeter meter, LongSupplier step, long periodMillis) {
        timer.scheduleAtFixedRate(() -> {
            var heap = probe.heap();
            feed.publish(new PerformanceSample(
                    step.getAsLong(),
                    meter.lastStepMillis(),
                    meter.currentFps(System.nanoTime()),
                    meter.averageFps(),
                    probe.cpuPercent(),
                    heap.getUsed() / 1e6,
                    heap.getCommitted() / 1e6,
                    probe.residentMb()));
        }, periodMillis, periodMillis, TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        timer.shutdownNow();
        StoppedThreads.await(timer);
    }
}
