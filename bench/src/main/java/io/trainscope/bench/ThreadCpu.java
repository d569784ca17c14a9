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
 * The JIT compiler's threads are hidden from the JVM's thread table; on Linux they are read
 * from {@code /proc}, since compiling the stream's code while measuring takes from training.
 */
final class ThreadCpu {

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    static final String JIT = "JIT compiler (C1, C2; 10 ms ticks)";
    /** Linux reports thread CPU in ticks of 1/100 s (USER_HZ). */
    private static final long NANOS_PER_TICK = 10_000_000;

    /** CPU nanoseconds and group of one thread. */
    private record Sample(String group, long cpuNanos) {}

    private final Map<Long, Sample> byThread = new HashMap<>();

    private ThreadCpu() {}

    static ThreadCpu snapshot() {
        ThreadCpu s = new ThreadCpu();
        for (long id : THREADS.getAllThreadIds()) {
            ThreadInfo info = THREADS.getThreadInfo(id);
            long cpu = THREADS.getThreadCpuTime(id);
            if (info != null && cpu >= 0) {
                s.byThread.put(id, new Sample(group(info.getThreadName()), cpu));
            }
        }
        addCompilerThreads(s.byThread);
        return s;
    }

    /** Adds the C1 and C2 compiler threads under negative keys (their Linux thread ids), if /proc has them. */
    private static void addCompilerThreads(Map<Long, Sample> into) {
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc/self/task"))) {
            for (Path task : tasks) {
                String name = Files.readString(task.resolve("comm")).trim();
                if (name.startsWith("C1 Compiler") || name.startsWith("C2 Compiler")) {
                    String stat = Files.readString(task.resolve("stat"));
                    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]); // utime, stime
                    into.put(-Long.parseLong(task.getFileName().toString()), new Sample(JIT, ticks * NANOS_PER_TICK));
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux, or a thread ended while being read: the table goes without the compiler
        }
    }

    /** CPU used since {@code before} per group, counting threads alive at both moments (or started since). */
    Map<String, Long> since(ThreadCpu before) {
        Map<String, Long> delta = new TreeMap<>();
        byThread.forEach((id, now) -> {
            Sample then = before.byThread.get(id);
            long used = then == null ? now.cpuNanos() : now.cpuNanos() - then.cpuNanos();
            delta.merge(now.group(), Math.max(0, used), Long::sum);
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
        if (base.startsWith("grpc-")) {
            return "grpc client (subscriber)";
        }
        return base;
    }
}
