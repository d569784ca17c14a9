package io.trainscope.bench;

import io.trainscope.djl.data.DemoData;
import io.trainscope.djl.engine.TorchThreads;
import io.trainscope.djl.train.TrainingOptions;
import io.trainscope.server.ServerSettings;
import io.trainscope.server.TrainingSession;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * What watching costs: training steps/s with the whole observatory on (per-sample statistics,
 * frames, scalars, a subscriber receiving the stream over gRPC) against the same loop with it
 * off, in one run. On and off blocks of about 5 s alternate, and each on block is compared
 * with the off block next to it, so the machine's drift (large on a shared 2-core box) cancels
 * out.
 * An on block ends only once the sample table has merged its statistics, so none of its work
 * is paid in the off block after it.
 */
@Command(name = "overhead", mixinStandardHelpOptions = true,
        description = "Training steps/s with the observatory on against off, in one run.")
final class OverheadBenchmark implements Callable<Integer> {

    /** About 5 s of training: one background flush of the sample table per on block, as in a run. */
    @Option(names = "--block-steps", defaultValue = "300", description = "Steps per block (default: ${DEFAULT-VALUE}).")
    int blockSteps;

    @Option(names = "--blocks", defaultValue = "16", description = "Blocks of each kind (default: ${DEFAULT-VALUE}).")
    int blocks;

    @Option(names = "--warmup-steps", defaultValue = "3000",
            description = "Steps before measuring, at least (default: ${DEFAULT-VALUE}); see --max-warmup-seconds.")
    int warmupSteps;

    /**
     * The stream's code runs only in on blocks, about once a step, so the JIT compiler reaches
     * it for minutes and compiles it during on blocks: measured after a 3000-step warm-up, it
     * took 0.5 ms of CPU per on step against 0.1 per off step. Warm-up therefore goes on
     * until the compiler is quiet.
     */
    @Option(names = "--max-warmup-seconds", defaultValue = "600",
            description = "After --warmup-steps, warm up in pairs of blocks until the JIT compiler takes under 1 %% of"
                    + " each block of three pairs in a row, for at most this long (default: ${DEFAULT-VALUE}); 0: no such wait.")
    int maxWarmupSeconds;

    @Option(names = "--torch-threads", paramLabel = "N",
            description = "CPU threads PyTorch may use (default: the demo's, all cores but one).")
    Integer torchThreads;

    @Option(names = "--no-subscriber",
            description = "Measure the training loop's own observation work alone, with nobody subscribed.")
    boolean noSubscriber;

    @Override
    public Integer call() throws Exception {
        int threads = TorchThreads.apply(torchThreads == null ? OptionalInt.empty() : OptionalInt.of(torchThreads));
        DemoData.Choice data = DemoData.choose(Optional.empty());
        try (TrainingSession session = TrainingSession.start(data.train(), data.test(),
                TrainingOptions.epochs(100).withValidation(false), 64, 1e-3f, false, ServerSettings.loopback(), BenchRuns.directory());
                StreamProbe subscriber = noSubscriber ? null : new StreamProbe(session.server().port())) {
            if (subscriber != null) {
                subscriber.awaitFirstFrame();
            }
            waitForSteps(session, warmupSteps);
            warmUpUntilTheCompilerIsQuiet(session);
            Side on = new Side();
            Side off = new Side();
            for (int b = 0; b < blocks * 2; b++) {
                boolean observing = b % 2 == 0;
                (observing ? on : off).add(runBlock(session, observing));
            }
            session.training().setObserving(true);
            List<Double> paired = new ArrayList<>();
            for (int i = 0; i < on.rates.size(); i++) {
                paired.add(on.rates.get(i) / off.rates.get(i));
            }
            double[] sortedPairs = paired.stream().mapToDouble(Double::doubleValue).sorted().toArray();
            System.out.println("| data | steps/s on (median) | steps/s off (median) | ratio on/off: median of adjacent pairs"
                    + " (interquartile range) | blocks |");
            System.out.println("|---|---|---|---|---|");
            System.out.printf("| %s, batch 64 | %.1f | %.1f | %.3f (%.3f–%.3f) | %d pairs × %d steps |%n",
                    data.train().name() + ", " + threads + " PyTorch thread(s)" + (noSubscriber ? ", nobody subscribed" : ""),
                    median(on.rates), median(off.rates), median(paired), sortedPairs[sortedPairs.length / 4],
                    sortedPairs[sortedPairs.length * 3 / 4], blocks, blockSteps);
            System.out.printf("%nratio of the summed rates (all on steps over all on time, against off): %.3f%n",
                    on.summedRate() / off.summedRate());
            System.out.println();
            System.out.println("on blocks:  " + format(on.rates));
            System.out.println("off blocks: " + format(off.rates));
            System.out.println();
            printPerStep("JVM thread group", "CPU ms per step", on, off, Block::cpu, 1e6);
            System.out.println();
            printPerStep("JVM thread group", "KB allocated per step", on, off, Block::allocated, 1e3);
            System.out.println();
            printPerStep("thread group (Linux names)", "page faults per step", on, off, Block::faults, 1);
            System.out.println();
            printPerStep("thread group (Linux names)", "ms per step ready to run but waiting for a CPU", on, off,
                    Block::waiting, 1e6);
        }
        return 0;
    }

    /**
     * A table of one per-thread-group figure per step, on against off, in units of {@code unit}
     * (1e6: nanoseconds to ms), leaving out groups under 0.005 units a step.
     */
    private static void printPerStep(String groups, String figure, Side on, Side off,
            Function<Block, Map<String, Long>> measure, double unit) {
        Map<String, Long> totalOn = on.total(measure);
        Map<String, Long> totalOff = off.total(measure);
        System.out.printf("| %s | %s, on | %s, off |%n|---|---|---|%n", groups, figure, figure);
        for (String group : totalOn.keySet()) {
            double a = totalOn.get(group) / unit / on.steps;
            double b = totalOff.getOrDefault(group, 0L) / unit / off.steps;
            if (a > 0.005 || b > 0.005) {
                System.out.printf("| %s | %.3f | %.3f |%n", group, a, b);
            }
        }
    }

    /** The measured blocks of one kind, on or off. */
    private static final class Side {
        final List<Double> rates = new ArrayList<>();
        final List<Block> blocks = new ArrayList<>();
        long steps;
        long nanos;

        void add(Block block) {
            blocks.add(block);
            rates.add(block.stepsPerSecond());
            steps += block.steps();
            nanos += block.nanos();
        }

        double summedRate() {
            return steps * 1e9 / nanos;
        }

        Map<String, Long> total(Function<Block, Map<String, Long>> measure) {
            Map<String, Long> total = new TreeMap<>();
            blocks.forEach(block -> ThreadCpu.add(total, measure.apply(block)));
            return total;
        }
    }

    /**
     * Pairs of on and off blocks, as measured, until the JIT compiler took under 1 % of each
     * block of three pairs in a row, or the time limit. Checking a few quiet on blocks alone was
     * not enough: switching to off and back still set off compilations for a minute or more.
     */
    private void warmUpUntilTheCompilerIsQuiet(TrainingSession session) throws InterruptedException {
        long start = System.nanoTime();
        long limit = TimeUnit.SECONDS.toNanos(maxWarmupSeconds);
        int pairs = 0;
        int quietInARow = 0;
        double busiest = Double.NaN;
        while (quietInARow < 3 && System.nanoTime() - start < limit) {
            busiest = 0;
            for (boolean observing : new boolean[] {true, false}) {
                Block block = runBlock(session, observing);
                busiest = Math.max(busiest, block.cpu().getOrDefault(ThreadCpu.JIT, 0L) / (double) block.nanos());
            }
            pairs++;
            quietInARow = busiest < 0.01 ? quietInARow + 1 : 0;
        }
        session.training().setObserving(true);
        System.out.printf("warm-up: %d steps, then %d pairs of blocks (%.0f s) until the JIT compiler took under 1 %% of"
                + " every block of three pairs in a row%s (last pair: %.1f %%)%n", warmupSteps, pairs,
                (System.nanoTime() - start) / 1e9, quietInARow >= 3 ? "" : ": NOT REACHED, the time limit came first",
                busiest * 100);
    }

    /** One block's steps and wall time, and per thread group its CPU, time waiting for a CPU, heap allocation and page faults. */
    private record Block(long steps, long nanos, Map<String, Long> cpu, Map<String, Long> waiting, Map<String, Long> allocated,
            Map<String, Long> faults) {
        double stepsPerSecond() {
            return steps * 1e9 / nanos;
        }
    }

    /** Runs {@code blockSteps} steps with the observatory on or off. */
    private Block runBlock(TrainingSession session, boolean observing) throws InterruptedException {
        session.training().setObserving(observing);
        long fromStep = session.experiment().step();
        long fromNanos = System.nanoTime();
        ThreadCpu cpuBefore = ThreadCpu.snapshot();
        waitForSteps(session, blockSteps);
        if (observing) {
            // The sample table merges in the background: an on block's merge must not fall into the off block after it.
            session.experiment().samples().flush().join();
        }
        ThreadCpu cpuAfter = ThreadCpu.snapshot();
        return new Block(session.experiment().step() - fromStep, System.nanoTime() - fromNanos,
                cpuAfter.since(cpuBefore), cpuAfter.waitingSince(cpuBefore), cpuAfter.allocatedSince(cpuBefore),
                cpuAfter.faultsSince(cpuBefore));
    }

    /**
     * Waits until {@code steps} more steps are done. Sleeps long while many steps remain (a step
     * takes 6 ms or more), 2 ms only for the last: polling every 2 ms all along would wake this
     * thread 500 times a second on the observatory's core and take from what it measures.
     */
    private static void waitForSteps(TrainingSession session, long steps) throws InterruptedException {
        long target = session.experiment().step() + steps;
        long remaining;
        while ((remaining = target - session.experiment().step()) > 0) {
            Thread.sleep(remaining > 1 ? Math.min(50, (remaining - 1) * 6) : 2);
        }
    }

    private static double median(List<Double> values) {
        double[] v = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    private static String format(List<Double> values) {
        return values.stream().map(v -> String.format("%.1f", v)).toList().toString();
    }
}
