package io.trainscope.core.live;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads this process's CPU and memory use from the JVM and /proc. */
final class ResourceProbe {

    private static final Path STATM = Path.of("/proc/self/statm");
    private static final long PAGE_BYTES = 4096;

    private final com.sun.management.OperatingSystemMXBean os =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    private long lastCpuNanos = os.getProcessCpuTime();
    private long lastWallNanos = System.nanoTime();

    /** Process CPU since the previous call, in percent of one core. */
    synchronized double cpuPercent() {
        long cpu = os.getProcessCpuTime();
        long wall = System.nanoTime();
        double percent = wall == lastWallNanos ? 0 : 100.0 * (cpu - lastCpuNanos) / (wall - lastWallNanos);
        lastCpuNanos = cpu;
        lastWallNanos = wall;
        return Math.max(0, percent);
    }

    MemoryUsage heap() {
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
    }

    /** Resident set in MB (includes native tensor memory), or -1 where /proc is missing. */
    double residentMb() {
        try {
            String[] fields = Files.readString(STATM).trim().split("\\s+");
            return Long.parseLong(fields[1]) * PAGE_BYTES / 1e6;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }
}
