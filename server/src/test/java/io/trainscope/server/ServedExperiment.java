package io.trainscope.server;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.trainscope.core.Experiment;
import io.trainscope.core.RunDescription;
import io.trainscope.core.samples.Split;
import io.trainscope.server.data.LanguageModelQueries;
import io.trainscope.server.data.SampleImages;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A real experiment (its DuckDB file, audit log, gate) served on loopback, with no training
 * thread: the server's own behaviour without the cost of DJL. A command that needs a step
 * boundary waits, as it would behind a very long step.
 */
public final class ServedExperiment implements AutoCloseable {

    public final Experiment experiment;
    public final TrainscopeServer server;
    private ManagedChannel channel;

    private ServedExperiment(Experiment experiment, TrainscopeServer server) {
        this.experiment = experiment;
        this.server = server;
    }

    public static ServedExperiment start(Path runDirectory, ServerSettings settings) {
        return start(runDirectory, settings, Optional.empty());
    }

    public static ServedExperiment start(Path runDirectory, ServerSettings settings,
            Optional<LanguageModelQueries> languageModel) {
        int[] labels = new int[64];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = i % 4;
        }
        Experiment experiment = new Experiment(new RunDescription("m", "d", 1, 8, 1e-3f, 8, labels.length,
                List.of("a", "b", "c", "d"), "adam"), true, runDirectory, List.of(Split.of("train", labels)));
        try {
            return new ServedExperiment(experiment, TrainscopeServer.start(experiment, SampleImages.none(), settings,
                    languageModel));
        } catch (RuntimeException e) {
            experiment.close();
            throw e;
        }
    }

    public int port() {
        return server.port();
    }

    /** A plain-text grpc-java channel to this server, made on first use and shut down by {@link #close}. */
    public synchronized ManagedChannel channel() {
        if (channel == null) {
            channel = NettyChannelBuilder.forAddress("127.0.0.1", port()).usePlaintext().build();
        }
        return channel;
    }

    @Override
    public void close() {
        synchronized (this) {
            if (channel != null) {
                try {
                    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
        server.close();
        experiment.close();
    }
}
