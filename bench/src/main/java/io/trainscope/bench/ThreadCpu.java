package io.trainscope.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.Map;
import java.util.TreeMap;

/** CPU time of this JVM's threads, grouped by the name they start with, to see where time goes. */
final class ThreadCpu {

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private ThreadCpu() {}

    /** Nanoseconds of CPU per thread group, as of now. */
    static Map<String, Long> snapshot() {
        Map<String, Long> byGroup = new TreeMap<>();
        for (long id : THREADS.getAllThreadIds()) {
            ThreadInfo info = THREADS.getThreadInfo(id);
            long cpu = THREADS.getThreadCpuTime(id);
            if (info != null && cpu > 0) {
                byGroup.merge(group(info.getThreadName()), cpu, Long::sum);
            }
        }
        return byGroup;
    }

    static Map<String, Long> minus(Map<String, Long> after, Map<String, Long> before) {
        Map<String, Long> delta = new TreeMap<>();
        after.forEach((k, v) -> delta.put(k, v - before.getOrDefault(k, 0L)));
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
