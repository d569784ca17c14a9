package io.trainscope.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * CPU time of this JVM's threads, grouped by the name they start with, to see where time goes.
 * The JIT compiler's and the garbage collector's threads are hidden from the JVM's thread
 * table; on Linux they are read from {@code /proc}, since compiling the stream's code or
 * collecting its garbage while measuring takes from training. Also per group: bytes allocated
 * on the heap (JVM threads), and from {@code /proc} minor page faults and how long the threads
 * waited for a CPU while ready to run. For the training thread, waiting is time another thread
 * took from it, and page faults are memory of its own that something handed back to the kernel.
 */
final class ThreadCpu {

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    static final String JIT = "JIT compiler (C1, C2; 10 ms ticks)";
    static final String GC = "garbage collector, VM thread (10 ms ticks)";
    /** Linux reports thread CPU in ticks of 1/100 s (USER_HZ). */
    private static final long NANOS_PER_TICK = 10_000_000;

    /** CPU nanoseconds and group of one thread. */
    private record Sample(String group, long cpuNanos) {}

    private final Map<Long, Sample> byThread = new HashMap<>();
    /** Bytes allocated on the Java heap, by JVM thread id (a young collection's work grows with them). */
    private final Map<Long, Sample> allocatedByThread = new HashMap<>();
    /** Minor page faults (a page the kernel had to find and zero or map), by Linux thread id. */
    private final Map<Long, Sample> faultsByTask = new HashMap<>();
    /** Nanoseconds spent ready but waiting for a CPU, by Linux thread id. */
    private final Map<Long, Sample> waitingByTask = new HashMap<>();

    private ThreadCpu() {}

    static ThreadCpu snapshot() {
        ThreadCpu s = new ThreadCpu();
        for (long id : THREADS.getAllThreadIds()) {
            ThreadInfo info = THREADS.getThreadInfo(id);
            long cpu = THREADS.getThreadCpuTime(id);
            if (info != null && cpu >= 0) {
                s.byThread.put(id, new Sample(group(info.getThreadName()), cpu));
                if (THREADS instanceof com.sun.management.ThreadMXBean allocations) {
                    long bytes = allocations.getThreadAllocatedBytes(id);
                    if (bytes >= 0) {
                        s.allocatedByThread.put(id, new Sample(group(info.getThreadName()), bytes));
                    }
                }
            }
        }
        s.readProc();
        return s;
    }

    /**
     * Adds the compiler's and the collector's threads under negative keys (their Linux thread
     * ids), and every thread's wait for a CPU, if /proc has them.
     */
    private void readProc() {
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc/self/task"))) {
            for (Path task : tasks) {
                long tid = Long.parseLong(task.getFileName().toString());
                String name = Files.readString(task.resolve("comm")).trim();
                String hidden = hiddenGroup(name);
                String stat = Files.readString(task.resolve("stat"));
                String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                faultsByTask.put(tid, new Sample(hidden != null ? hidden : group(name), Long.parseLong(fields[7]))); // minflt
                if (hidden != null) {
                    long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]); // utime, stime
                    byThread.put(-tid, new Sample(hidden, ticks * NANOS_PER_TICK));
                }
                // schedstat: time on a CPU, time waiting on a run queue, time slices (nanoseconds, exact)
                String[] schedstat = Files.readString(task.resolve("schedstat")).trim().split(" ");
                waitingByTask.put(tid, new Sample(hidden != null ? hidden : group(name), Long.parseLong(schedstat[1])));
            }
        } catch (IOException | RuntimeException e) {
            // not Linux, or a thread ended while being read: the table goes without them
        }
    }

    /** The group of a thread the JVM's thread table does not show, or null. */
    private static String hiddenGroup(String linuxName) {
        if (linuxName.startsWith("C1 Compiler") || linuxName.startsWith("C2 Compiler")) {
            return JIT;
        }
        if (linuxName.startsWith("GC Thread") || linuxName.startsWith("G1 ") || linuxName.equals("VM Thread")) {
            return GC;
        }
        return null;
    }

    /** CPU used since {@code before} per group, counting threads alive at both moments (or started since). */
    Map<String, Long> since(ThreadCpu before) {
        return delta(byThread, before.byThread);
    }

    /** Bytes allocated on the heap since {@code before} per group (JVM threads only). */
    Map<String, Long> allocatedSince(ThreadCpu before) {
        return delta(allocatedByThread, before.allocatedByThread);
    }

    /** Minor page faults since {@code before} per group (Linux thread names, cut to 15 characters). */
    Map<String, Long> faultsSince(ThreadCpu before) {
        return delta(faultsByTask, before.faultsByTask);
    }

    /** Time spent waiting for a CPU since {@code before} per group (Linux thread names, cut to 15 characters). */
    Map<String, Long> waitingSince(ThreadCpu before) {
        return delta(waitingByTask, before.waitingByTask);
    }

    private static Map<String, Long> delta(Map<Long, Sample> now, Map<Long, Sample> before) {
        Map<String, Long> delta = new TreeMap<>();
        now.forEach((id, sample) -> {
            Sample then = before.get(id);
            long used = then == null ? sample.cpuNanos() : sample.cpuNanos() - then.cpuNanos();
            delta.merge(sample.group(), Math.max(0, used), Long::sum);
        });
        return delta;
    }

    static void add(Map<String, Long> into, Map<String, Long> more) {
        more.forEach((k, v) -> into.merge(k, v, Long::sum));
    }

    private static String group(String name) {
        String base = name.replaceAll("[-_ ]?\\d+$", "").replaceAll("-\\d+-\\d+$", "");
        if (base.startsWith("armeria-common-worker") || base.startsWith("armeria-boss")) {
            return "armeria (server event loops)";
        }
        if (base.startsWith("armeria-common-") || base.startsWith("armeria-boss")) { // Linux's cut names
            return "armeria (server event loops)";
        }
        if (base.startsWith("trainscope-trai")) {
            return "trainscope-training";
        }
        if (base.startsWith("grpc-")) {
            return "grpc client (subscriber)";
        }
        return base;
    }
}
