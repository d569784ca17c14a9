package io.trainscope.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/** CPU time of this JVM's threads, grouped by the name they start with, to see where time goes. */
final class ThreadCpu {

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

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
        return s;
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
