package io.trainscope.bench;

import io.trainscope.core.signals.DuckDbSignalStore;
import io.trainscope.core.signals.HistoryQuery;
import io.trainscope.core.signals.InMemorySignalStore;
import io.trainscope.core.signals.SignalStore;
import io.trainscope.core.signals.StepRange;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The signal store behind GetLatestLoggerData, in-process (server time: no network, no protobuf):
 * appends, the reduction of long curves to a chart's points, an incremental poll, memory per point,
 * and the DuckDB archive's write and reload.
 */
@Command(name = "signals", mixinStandardHelpOptions = true,
        description = "Signal store: appends, history reduction, incremental poll, memory, DuckDB write and reload.")
final class SignalsBenchmark implements Callable<Integer> {

    private static final String RUN = "0123456789abcdef01234567";

    @Option(names = "--curves", defaultValue = "10", description = "Curves, all of one run (default: ${DEFAULT-VALUE}).")
    int curves;

    @Option(names = "--points", defaultValue = "1000000",
            description = "Points per curve for the reduction (default: ${DEFAULT-VALUE}).")
    int pointsPerCurve;

    @Option(names = "--max-points", defaultValue = "1000", description = "Target points per curve (default: ${DEFAULT-VALUE}).")
    int maxPoints;

    @Option(names = "--runs", defaultValue = "20", description = "Measured runs per figure (default: ${DEFAULT-VALUE}).")
    int runs;

    @Option(names = "--warmup", defaultValue = "5", description = "Unmeasured runs before them (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--polls", defaultValue = "1000", description = "Incremental polls measured (default: ${DEFAULT-VALUE}).")
    int polls;

    @Option(names = "--no-duckdb", description = "Skip the DuckDB write and reload.")
    boolean noDuckDb;

    private String[] metrics;

    @Override
    public Integer call() throws Exception {
        metrics = new String[curves];
        for (int c = 0; c < curves; c++) {
            metrics[c] = "signal/" + c;
        }
        System.out.println("| measurement | median | p90 | max | target | how |");
        System.out.println("|---|---|---|---|---|---|");

        row("1M appends", timeAppends(true), "≤ 100 ms", String.format("append(metric, run, step, value, seconds), "
                + "the clock read once per step of %d curves, as the training loop does; a new store each run", curves));
        row("1M appends, clock read per point", timeAppends(false), "",
                "append(metric, run, step, value): the store reads its clock for every point");

        long total = (long) curves * pointsPerCurve;
        long heapBefore = usedHeapAfterGc();
        InMemorySignalStore store = new InMemorySignalStore();
        fill(store, total, true);
        long heapAfter = usedHeapAfterGc();

        HistoryQuery full = HistoryQuery.all().withMaxPoints(maxPoints);
        row(String.format("reduce %s × %d curves to %d per curve", count(pointsPerCurve), curves, maxPoints),
                time(() -> store.history(full)), "≤ 20 ms", String.format("history(): min/max per bucket, curve summaries "
                        + "included; %d points returned", store.history(full).points().size()));
        long from = pointsPerCurve * 2L / 5;
        HistoryQuery zoom = full.withRange(new StepRange(from, from + pointsPerCurve / 10 - 1));
        row("zoom: 10 % of the steps re-bucketed", time(() -> store.history(zoom)), "",
                String.format("%d points returned", store.history(zoom).points().size()));
        HistoryQuery index = full.withIndexOnly(true);
        row("index only", time(() -> store.history(index)), "", curves + " curve summaries (bounds, count, value range)");
        row("incremental poll of 100 new points", timePolls(store), "≤ 2 ms",
                String.format("readNew() with a per-client cursor; the store holds %s points", count(store.size())));
        line("memory per 1M points", String.format("%.1f MB", (heapAfter - heapBefore) / 1e6 / (total / 1e6)),
                String.format("measured: heap delta after GC for %s points in %d curves, divided (arrays grow by 1.5×; "
                        + "the columns themselves take 25.3 bytes a point)", count(total), curves));
        if (!noDuckDb) {
            duckDb();
        }
        return 0;
    }

    private double[] timeAppends(boolean stepTime) {
        double[] ms = new double[runs];
        for (int r = -warmup; r < runs; r++) {
            InMemorySignalStore store = new InMemorySignalStore();
            long start = System.nanoTime();
            fill(store, 1_000_000, stepTime);
            if (r >= 0) {
                ms[r] = (System.nanoTime() - start) / 1e6;
            }
        }
        return ms;
    }

    private double[] timePolls(SignalStore store) {
        while (!store.readNew("bench-client", 1_000_000).isEmpty()) {
            // catch up with everything appended so far
        }
        double[] ms = new double[polls];
        long step = store.size() / curves;
        for (int i = -warmup * 20; i < polls; i++) {
            for (int k = 0; k < 100; k++) {
                store.append(metrics[k % curves], RUN, step + k / curves, 0.5f, 1_763_900_000L);
            }
            step += 100 / curves;
            long start = System.nanoTime();
            int got = store.readNew("bench-client", 10_000).size();
            if (i >= 0) {
                ms[i] = (System.nanoTime() - start) / 1e6;
            }
            if (got != 100) {
                throw new IllegalStateException("an incremental poll returned " + got + " points instead of 100");
            }
        }
        return ms;
    }

    private void duckDb() throws Exception {
        Path dir = Files.createTempDirectory("trainscope-signals-bench");
        try {
            Path file = dir.resolve("experiment.duckdb");
            double writeMs;
            try (DuckDbSignalStore store = DuckDbSignalStore.open(file)) {
                fill(store, 1_000_000, true);
                long start = System.nanoTime();
                store.flush();
                writeMs = (System.nanoTime() - start) / 1e6;
            }
            long start = System.nanoTime();
            long reloaded;
            try (DuckDbSignalStore store = DuckDbSignalStore.open(file)) {
                reloaded = store.size();
            }
            double reloadMs = (System.nanoTime() - start) / 1e6;
            line("DuckDB: write 1M points", String.format("%.0f ms", writeMs), String.format(
                    "flush() on the caller's thread (the writer thread's work); one run; file %.1f MB", Files.size(file) / 1e6));
            line("DuckDB: reopen, reload " + count(reloaded) + " points", String.format("%.0f ms", reloadMs), "one run");
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** Appends {@code points} points as a training loop logs them: every curve once per step. */
    private void fill(SignalStore store, long points, boolean stepTime) {
        long steps = points / curves;
        float loss = 3f;
        for (long step = 0; step < steps; step++) {
            loss = loss * 0.99999f + (step % 9_973 == 0 ? 1f : 0f);
            if (stepTime) {
                long now = System.currentTimeMillis() / 1000;
                for (int c = 0; c < curves; c++) {
                    store.append(metrics[c], RUN, step, loss + c, now);
                }
            } else {
                for (int c = 0; c < curves; c++) {
                    store.append(metrics[c], RUN, step, loss + c);
                }
            }
        }
    }

    private double[] time(Runnable work) {
        for (int i = 0; i < warmup; i++) {
            work.run();
        }
        double[] ms = new double[runs];
        for (int i = 0; i < runs; i++) {
            long start = System.nanoTime();
            work.run();
            ms[i] = (System.nanoTime() - start) / 1e6;
        }
        return ms;
    }

    private static void row(String what, double[] ms, String target, String how) {
        Percentiles p = Percentiles.of(ms);
        System.out.printf("| %s | %s | %s | %s | %s | %s; %d runs |%n", what, duration(p.p50()), duration(p.p90()),
                duration(p.max()), target, how, ms.length);
    }

    private static void line(String what, String figure, String how) {
        System.out.printf("| %s | %s | | | | %s |%n", what, figure, how);
    }

    private static String duration(double ms) {
        if (ms < 1) {
            return String.format("%.1f µs", ms * 1000);
        }
        return ms >= 100 ? String.format("%.0f ms", ms) : ms >= 10 ? String.format("%.1f ms", ms) : String.format("%.2f ms", ms);
    }

    private static String count(long n) {
        if (n % 1_000_000 == 0) {
            return n / 1_000_000 + "M";
        }
        return n >= 1_000_000 ? String.format("%.2fM", n / 1e6) : Long.toString(n);
    }

    private static long usedHeapAfterGc() throws InterruptedException {
        var memory = ManagementFactory.getMemoryMXBean();
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            System.gc();
            Thread.sleep(50);
            used = Math.min(used, memory.getHeapMemoryUsage().getUsed());
        }
        return used;
    }
}
