package io.trainscope.bench;

import ai.djl.engine.Engine;
import io.trainscope.core.Experiment;
import io.trainscope.core.RunDescription;
import io.trainscope.core.control.RunStatus;
import io.trainscope.core.control.TrainingGate;
import io.trainscope.core.live.LiveEvent;
import io.trainscope.core.live.Sequenced;
import io.trainscope.core.samples.SampleEdit;
import io.trainscope.core.samples.SampleKey;
import io.trainscope.core.samples.SampleRecord;
import io.trainscope.core.samples.Split;
import io.trainscope.djl.data.FashionMnist;
import io.trainscope.djl.data.ImageDataset;
import io.trainscope.djl.data.LabelNoise;
import io.trainscope.djl.model.ReferenceModels;
import io.trainscope.djl.train.ObservedTraining;
import io.trainscope.djl.train.TrainingOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The label-noise demo as a measurement (issue 4): on Fashion-MNIST with a fraction of the
 * training labels flipped, train a few epochs, take the samples with the highest last training
 * loss from the run's sample table and count how many are the flipped ones; then discard them,
 * train on, and compare test accuracy with the same run (same seeds) that discarded nothing.
 * The two arms run one after the other: PyTorch's gradient collector is process-wide.
 */
@Command(name = "label-noise", mixinStandardHelpOptions = true,
        description = "Do the highest-loss samples find flipped labels, and does discarding them help?")
final class LabelNoiseBenchmark implements Callable<Integer> {

    static final String SECTION = "## Label noise (issue 4)";
    private static final String CLIENT = "label-noise-benchmark";
    private static final double RECALL_TARGET = 0.6;

    @Option(names = "--data", description = "Directory with the Fashion-MNIST IDX files (default: Debian's package).")
    Path data = FashionMnist.DEBIAN_DIR;

    @Option(names = "--noise", defaultValue = "0.1", description = "Fraction of training labels flipped (default: ${DEFAULT-VALUE}).")
    double noise;

    @Option(names = "--top", defaultValue = "0.1",
            description = "Fraction of the training set, by highest last loss, to inspect and discard (default: ${DEFAULT-VALUE}).")
    double top;

    @Option(names = "--epochs", defaultValue = "2", description = "Epochs before inspecting (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--more-epochs", defaultValue = "1", description = "Epochs after discarding (default: ${DEFAULT-VALUE}).")
    int moreEpochs;

    @Option(names = "--batch-size", defaultValue = "64", description = "Batch size (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--lr", defaultValue = "0.001", description = "Adam learning rate (default: ${DEFAULT-VALUE}).")
    float learningRate;

    @Option(names = "--seeds", defaultValue = "42", split = ",", paramLabel = "SEED",
            description = "Seeds of the noise, the data order and the initial weights; a pair of runs and a row"
                    + " each (default: ${DEFAULT-VALUE}).")
    long[] seeds;

    @Spec
    CommandSpec spec;

    @Option(names = "--append", paramLabel = "FILE",
            description = "Also append the figures to FILE under \"" + SECTION + "\" (scripts/label-noise: docs/BENCHMARKS.md).")
    Path append;

    /** One arm's figures. */
    record Arm(int inspected, int flippedInTop, double accuracyBefore, double accuracyAfter, long stepsAfter) {}

    /** Both arms of one seed. */
    record Pair(long seed, int flipped, Arm discarding, Arm keeping) {}

    @Override
    public Integer call() throws Exception {
        if (!(noise > 0 && noise < 1) || !(top > 0 && top <= 1)) {
            throw new ParameterException(spec.commandLine(), "--noise must be above 0 and below 1, --top above 0 and"
                    + " at most 1; got " + noise + " and " + top);
        }
        FashionMnist.Splits splits = FashionMnist.load(data).orElseThrow(() -> new IllegalStateException(
                "No Fashion-MNIST IDX files in " + data + ": install Debian's dataset-fashion-mnist"
                        + " (scripts/install-system-deps --demo) or pass --data DIR."));
        List<Pair> pairs = new ArrayList<>();
        for (long seed : seeds) {
            LabelNoise labelNoise = LabelNoise.apply(splits.train(), noise, seed);
            System.out.printf("Seed %d: flipped %d of %d training labels; arm A discards the top %.0f %% by loss,"
                    + " arm B does not.%n", seed, labelNoise.flippedCount(), splits.train().size(), top * 100);
            pairs.add(new Pair(seed, labelNoise.flippedCount(), run(labelNoise, splits.test(), seed, true),
                    run(labelNoise, splits.test(), seed, false)));
        }
        String block = markdown(splits.train().size(), pairs);
        System.out.println();
        System.out.println(block);
        if (append != null) {
            String existing = Files.exists(append) ? Files.readString(append) : "";
            String text = (existing.contains(SECTION) ? "" : "\n" + SECTION + "\n") + "\n" + block;
            Files.writeString(append, text, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            System.out.println("Appended to " + append);
        }
        return 0;
    }

    /** One fresh run: {@code epochs} epochs, inspect (and discard when asked), {@code moreEpochs} more. */
    private Arm run(LabelNoise labelNoise, ImageDataset test, long seed, boolean discard) throws Exception {
        ImageDataset train = labelNoise.noisy();
        int stepsPerEpoch = (train.size() + batchSize - 1) / batchSize;
        long inspectAt = (long) stepsPerEpoch * epochs;
        TrainingOptions options = new TrainingOptions(epochs + moreEpochs, 0, seed, 0, true, 0);
        RunDescription description = new RunDescription("small-cnn", train.name(), options.epochs(), batchSize,
                learningRate, stepsPerEpoch, train.size(), train.classNames(), "adam");
        List<Split> splits = List.of(new Split(ObservedTraining.TRAIN, train.labels(), labelNoise.metadata()),
                Split.of(ObservedTraining.TEST, test.labels()));
        Engine.getInstance().setRandomSeed((int) seed); // the same initial weights in both arms
        long started = System.nanoTime();
        try (Experiment experiment = new Experiment(description, true, BenchRuns.directory(), splits)) {
            CompletableFuture<Long> parked = new CompletableFuture<>();
            experiment.gate().addListener(new TrainingGate.Listener() {
                @Override
                public void paused(long step) {
                    if (step >= inspectAt) {
                        parked.complete(step);
                    }
                }
            });
            Thread thread = new Thread(new ObservedTraining(experiment, ReferenceModels.smallCnn(train.classCount()),
                    train, test, options), "trainscope-training");
            thread.start();
            try {
                experiment.gate().runSteps((int) inspectAt);
                await(experiment, parked::isDone);
                double before = validationAccuracy(experiment, epochs - 1);
                experiment.samples().flush().join();
                int inspected = (int) Math.round(top * train.size());
                experiment.samples().views().query(CLIENT, "origin == 'train' sortby loss desc", false);
                List<SampleRecord> worst = experiment.samples().views().page(CLIENT, 0, inspected);
                int flippedInTop = 0;
                for (SampleRecord sample : worst) {
                    flippedInTop += ((Number) sample.metadata().get(LabelNoise.LABEL_FLIPPED)).intValue();
                }
                System.out.printf("Arm %s: after %d steps, %d of the %d highest-loss samples are flipped; test accuracy %.4f%n",
                        discard ? "A" : "B", inspectAt, flippedInTop, worst.size(), before);
                if (discard) {
                    List<SampleKey> keys = worst.stream().map(SampleRecord::key).toList();
                    experiment.samples().edit(new SampleEdit.SetDiscarded(keys, true)).join();
                }
                experiment.gate().resume();
                await(experiment, () -> experiment.status() == RunStatus.COMPLETED);
                double after = validationAccuracy(experiment, options.epochs() - 1);
                System.out.printf("Arm %s: %d more steps, test accuracy %.4f; the arm took %.0f s%n", discard ? "A" : "B",
                        experiment.step() - inspectAt, after, (System.nanoTime() - started) / 1e9);
                return new Arm(worst.size(), flippedInTop, before, after, experiment.step() - inspectAt);
            } finally {
                experiment.gate().close();
                thread.join(60_000);
            }
        }
    }

    /** Waits for {@code done}, failing as soon as the training does. */
    private static void await(Experiment experiment, BooleanSupplier done) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.HOURS.toNanos(1);
        while (!done.getAsBoolean()) {
            if (experiment.status() == RunStatus.FAILED || experiment.status() == RunStatus.STOPPED) {
                throw new IllegalStateException("training ended early: " + experiment.status() + " at step " + experiment.step());
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("training did not get there within an hour; at step " + experiment.step());
            }
            Thread.sleep(100);
        }
    }

    /** The test accuracy the epoch's summary reported. */
    private static double validationAccuracy(Experiment experiment, int epoch) {
        for (Sequenced sequenced : experiment.feed().log().readAfter(0, Integer.MAX_VALUE)) {
            if (sequenced.event() instanceof LiveEvent.EpochSummary summary && summary.epoch() == epoch) {
                return summary.validationAccuracy().orElseThrow();
            }
        }
        throw new IllegalStateException("no summary of epoch " + epoch);
    }

    private static String epochs(int n) {
        return n == 1 ? "1 epoch" : n + " epochs";
    }

    private String markdown(int trainSize, List<Pair> pairs) {
        String when = ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'"));
        String inspected = String.format("top %.0f %%", top * 100);
        StringBuilder out = new StringBuilder();
        out.append(String.format("`scripts/label-noise%s`, %s: Fashion-MNIST, %.0f %% of the %d training labels flipped,"
                + " small CNN, batch %d, Adam lr %s. For each seed (of the noise, the data order and the initial weights)"
                + " two runs train %s alike, then rank the training samples by their last recorded loss in the sample"
                + " table; arm A discards the %s (%d samples), arm B keeps them, and both train %s more.%n%n",
                commandArguments(), when, noise * 100, trainSize,
                batchSize, learningRate, epochs(epochs), inspected, pairs.get(0).discarding().inspected(),
                epochs(moreEpochs)));
        out.append(String.format("| seed | flipped labels | flipped ones in the %s, share of all flipped (target ≥ %.1f)"
                + " | precision: share of the %s that is flipped | test accuracy after %s | after %s more, A (%s"
                + " discarded) | B (nothing discarded) | A − B, points | steps after the inspection, A / B |%n",
                inspected, RECALL_TARGET, inspected, epochs(epochs), epochs(moreEpochs), inspected));
        out.append("|---|---|---|---|---|---|---|---|---|\n");
        boolean met = true;
        boolean armsAlike = true;
        double differenceSum = 0;
        for (Pair pair : pairs) {
            Arm a = pair.discarding();
            Arm b = pair.keeping();
            double recall = (double) a.flippedInTop() / pair.flipped();
            met &= recall >= RECALL_TARGET;
            armsAlike &= a.flippedInTop() == b.flippedInTop() && a.accuracyBefore() == b.accuracyBefore();
            differenceSum += a.accuracyAfter() - b.accuracyAfter();
            out.append(String.format("| %d | %d | %.3f (%d) | %.3f | %.4f | %.4f | %.4f | %+.2f | %d / %d |%n", pair.seed(),
                    pair.flipped(), recall, a.flippedInTop(), (double) a.flippedInTop() / a.inspected(),
                    a.accuracyBefore(), a.accuracyAfter(), b.accuracyAfter(),
                    (a.accuracyAfter() - b.accuracyAfter()) * 100, a.stepsAfter(), b.stepsAfter()));
        }
        out.append(String.format("%nTarget (≥ %.1f of the flipped labels among the %s by loss): **%s**.", RECALL_TARGET,
                inspected, met ? "met" : "NOT MET"));
        out.append(armsAlike ? " Both arms of each seed gave the same figures up to the inspection."
                : " The arms of a seed differed before the inspection (figures above are arm A's).");
        out.append(String.format(" Discarding changed test accuracy by %+.2f points%s.%n",
                differenceSum / pairs.size() * 100, pairs.size() == 1 ? " (one pair of runs)" : " on average"));
        return out.toString();
    }

    /** The options this run was given, as the command to repeat it ({@code --append} aside). */
    private String commandArguments() {
        StringBuilder out = new StringBuilder();
        for (OptionSpec option : spec.commandLine().getParseResult().matchedOptions()) {
            if (!option.longestName().equals("--append")) {
                out.append(' ').append(option.longestName());
                option.originalStringValues().forEach(value -> out.append(' ').append(value));
            }
        }
        return out.toString();
    }
}
