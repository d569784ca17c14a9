package io.trainscope.app;

import io.trainscope.djl.data.DemoData;
import io.trainscope.djl.train.TrainingOptions;
import io.trainscope.server.ServerSettings;
import io.trainscope.server.TrainingSession;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

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

    @Option(names = "--paused", description = "Start paused before the first step.")
    boolean paused;

    @Option(names = "--run-dir", defaultValue = "runs/demo",
            description = "The run's directory: its audit log (audit.jsonl), later its database and checkpoints"
                    + " (default: ${DEFAULT-VALUE}).")
    Path runDirectory;

    @Option(names = "--host", description = "Address to listen on (default: GRPC_BACKEND_HOST or 0.0.0.0).")
    String host;

    @Option(names = "--port", description = "Port to listen on (default: GRPC_BACKEND_PORT or 50051).")
    Integer port;

    @Override
    public Integer call() throws Exception {
        ServerSettings settings = ServerSettings.fromEnvironment(System.getenv());
        if (host != null) {
            settings = settings.withHost(host);
        }
        if (port != null) {
            settings = settings.withPort(port);
        }
        DemoData.Choice data = DemoData.choose(Optional.ofNullable(this.data));
        System.out.println(data.explanation());
        TrainingSession session = TrainingSession.start(data.train(), data.test(), TrainingOptions.epochs(epochs).withMaxFramesPerSecond(maxFps),
                batchSize, learningRate, paused, settings, runDirectory);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                session.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }));
        System.out.println("Dashboard: " + session.server().url()
                + (settings.tokens().enabled() ? " (auth on: the page asks for your token)" : ""));
        System.out.println("gRPC: " + settings.host() + ":" + session.server().port()
                + " (trainscope.v1.MetricsService, WeightsLab ExperimentService; reflection on). Run files: "
                + runDirectory.toAbsolutePath() + ". Ctrl-C to quit.");
        session.awaitTrainingThread();
        return 0;
    }
}
