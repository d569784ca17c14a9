package io.trainscope.core.live;

/** Throughput and resource use at one moment, published a few times a second. */
public record PerformanceSample(
        long step,
        double timePerBatchMs,
        double currentFps,
        double averageFps,
        double cpuPercent,
        double heapUsedMb,
        double heapCommittedMb,
        double residentMb) {}
