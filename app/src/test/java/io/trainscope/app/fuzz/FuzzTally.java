package io.trainscope.app.fuzz;

import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLongArray;

/** Inputs sent and failures seen, per property and in total, printed as {@code fuzz: N inputs, F failures}. */
final class FuzzTally {

    private static final Map<String, AtomicLongArray> COUNTS = new ConcurrentSkipListMap<>();
    private static volatile String last = "";

    private FuzzTally() {}

    static void add(String property, long inputs, long failures) {
        AtomicLongArray counts = COUNTS.computeIfAbsent(property, p -> new AtomicLongArray(2));
        counts.addAndGet(0, inputs);
        counts.addAndGet(1, failures);
        last = property;
    }

    /** The property that counted last: the one running now. */
    static String last() {
        return last;
    }

    static long inputs(String property) {
        AtomicLongArray counts = COUNTS.get(property);
        return counts == null ? 0 : counts.get(0);
    }

    static void print(String property, long millis) {
        AtomicLongArray counts = COUNTS.getOrDefault(property, new AtomicLongArray(2));
        System.out.printf("fuzz: %d inputs, %d failures (%s, %.1f s)%n", counts.get(0), counts.get(1), property,
                millis / 1000.0);
    }

    static long totalInputs() {
        return COUNTS.values().stream().mapToLong(c -> c.get(0)).sum();
    }

    static void printTotal() {
        long failures = COUNTS.values().stream().mapToLong(c -> c.get(1)).sum();
        System.out.printf("fuzz: %d inputs, %d failures (total of %d properties)%n", totalInputs(), failures, COUNTS.size());
    }
}
