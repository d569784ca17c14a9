package io.trainscope.app;

import io.trainscope.djl.data.DemoData;
import io.trainscope.djl.data.ImageDataset;
import io.trainscope.djl.data.LabelNoise;
import io.trainscope.djl.engine.TorchThreads;
import io.trainscope.djl.train.TrainingOptions;
import io.trainscope.server.ServerSettings;
import io.trainscope.server.TrainingSession;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** Trains a small CNN on Fashion-MNIST (or generated shapes) and serves the dashboard. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Train a small CNN on real images and serve the live dashboard.")
final class DemoCommand implements Callable<Integer> {

    @Option(names = "--data", description = "Directory with the Fashion-MNIST IDX files (default: Debian's package).")
    Path data;

    @Option(names = "--epochs", defaultValue = "10", description = "Epochs to train (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--batch-size", defaultValue = "64", description = "Initial batch size (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--lr", defaultValue = "0.001", description = "Initial learning rate (default: ${DEFAULT-VALUE}).")
    float learningRate;

    @Option(names = "--max-fps", defaultValue = "60",
            description = "Batch frames (images) per second at most, 0 for every step (default: ${DEFAULT-VALUE})."
                    + " Every step's loss and accuracy are streamed regardless.")
    int maxFps;

    @Option(names = "--label-noise", defaultValue = "0", paramLabel = "F",
            description = "Flip this fraction of the training labels (0 <= F < 1), each to another class, seeded by"
                    + " the run's seed; the sample table records which (label_flipped, clean_label)"
                    + " (default: ${DEFAULT-VALUE}).")
    double labelNoise;

    @Spec
    CommandSpec spec;

    @Option(names = "--paused", description = "Start paused before the first step.")
    boolean paused;

    @Option(names = "--run-dir", defaultValue = "runs/demo",
            description = "The run's directory: its audit log (audit.jsonl), later its database and checkpoints"
                    + " (default: ${DEFAULT-VALUE}).")
    Path runDirectory;

    @Option(names = "--torch-threads", paramLabel = "N",
            description = "CPU threads PyTorch may use (default: all cores but one, which is left to the dashboard's"
                    + " server; see docs/BENCHMARKS.md, overhead).")
    Integer torchThreads;

    @Mixin
    ServerOptions server;

    @Override
    public Integer call() throws Exception {
        ServerSettings settings;
        try {
            settings = server.settings(System.getenv());
        } catch (IllegalArgumentException e) {
            System.err.println("trainscope demo: " + e.getMessage());
            return 2;
        }
        try {
            LabelNoise.checkFraction(labelNoise);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--label-noise: " + e.getMessage() + " (e.g. 0.1)");
        }
        int threads;
        try {
            threads = TorchThreads.apply(torchThreads == null ? OptionalInt.empty() : OptionalInt.of(torchThreads));
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--torch-threads: " + e.getMessage());
        }
        DemoData.Choice data = DemoData.choose(Optional.ofNullable(this.data));
        System.out.println(data.explanation());
        System.out.println("PyTorch uses " + threads + " thread(s) of " + Runtime.getRuntime().availableProcessors()
                + " cores (--torch-threads to change).");
        TrainingOptions options = TrainingOptions.epochs(epochs).withMaxFramesPerSecond(maxFps);
        ImageDataset train = data.train();
        Map<String, int[]> trainMetadata = Map.of();
        if (labelNoise > 0) {
            LabelNoise noise = LabelNoise.apply(train, labelNoise, options.seed());
            train = noise.noisy();
            trainMetadata = noise.metadata();
            System.out.println("Label noise: flipped " + noise.flippedCount() + " of " + train.size()
                    + " training labels (seed " + options.seed() + "). Find them with the query `label_flipped == 1`;"
                    + " `clean_label` holds each original label.");
        }
        TrainingSession session = TrainingSession.start(train, data.test(), trainMetadata, options, batchSize,
                learningRate, paused, settings, runDirectory);
        if (labelNoise > 0 && !session.experiment().samples().views().columnNames().contains(LabelNoise.LABEL_FLIPPED)) {
            System.out.println("Warning: " + runDirectory + " holds the sample table of an earlier run without label"
                    + " noise, whose labels and columns are kept; use a new --run-dir to find the flipped labels.");
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                session.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }));
        System.out.println("Dashboard: " + session.server().url()
                + (settings.tokens().enabled() ? " (auth on: the page asks for your token)" : "")
                + settings.tls().map(t -> t.mutual() ? " (mutual TLS: browsers need a client certificate signed by "
                        + t.clientCaFile().get() + ")" : " (TLS)").orElse(""));
        System.out.println("gRPC: " + settings.host() + ":" + session.server().port()
                + " (trainscope.v1.MetricsService, WeightsLab ExperimentService; reflection on). Run files: "
                + runDirectory.toAbsolutePath() + " (quitting saves a checkpoint there; starting again on it resumes"
                + " from the newest one, so pass a new --run-dir for a fresh run). Ctrl-C to quit.");
        session.awaitTrainingThread();
        return 0;
    }
}
