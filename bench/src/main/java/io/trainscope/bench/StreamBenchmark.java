package io.trainscope.bench;

import io.trainscope.djl.data.DemoData;
import io.trainscope.djl.train.TrainingOptions;
import io.trainscope.server.ServerSettings;
import io.trainscope.server.TrainingSession;
import io.trainscope.server.TrainscopeServer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.LongSupplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Frames/s and step-to-client latency of the live stream, for the demo and a synthetic 60 fps producer. */
@Command(name = "stream", mixinStandardHelpOptions = true,
        description = "Live stream: frames/s and step-to-client latency p50/p99 to 1 and 10 subscribers.")
final class StreamBenchmark implements Callable<Integer> {

    @Option(names = "--seconds", defaultValue = "20", description = "Measuring window per case (default: ${DEFAULT-VALUE}).")
    int seconds;

    @Option(names = "--warmup", defaultValue = "5", description = "Seconds before measuring (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--subscribers", split = ",", defaultValue = "1,10", description = "Subscriber counts (default: 1,10).")
    List<Integer> subscribers;

    @Option(names = "--fps", defaultValue = "60", description = "Synthetic producer rate (default: ${DEFAULT-VALUE}).")
    int fps;

    @Option(names = "--only", description = "demo or synthetic (default: both).")
    String only;

    @Override
    public Integer call() throws Exception {
        System.out.println("| source | subscribers | steps/s produced | frames/s per subscriber (min–max) | latency p50 ms | p90 ms | p99 ms | max ms | MB/s per subscriber | dropped at server |");
        System.out.println("|---|---|---|---|---|---|---|---|---|---|");
        if (only == null || only.equals("synthetic")) {
            for (int n : subscribers) {
                try (SyntheticProducer producer = new SyntheticProducer(fps);
                        TrainscopeServer server = TrainscopeServer.start(producer.experiment, ServerSettings.loopback())) {
                    measure(String.format("synthetic %d fps, 16×256² JPEG (%.0f KB each)", fps,
                            producer.averageImageBytes() / 1024), server.port(), n, producer.experiment::step);
                }
            }
        }
        if (only == null || only.equals("demo")) {
            DemoData.Choice data = DemoData.choose(Optional.empty());
            for (int n : subscribers) {
                try (TrainingSession session = TrainingSession.start(data.train(), data.test(), TrainingOptions.epochs(50),
                        64, 1e-3f, false, ServerSettings.loopback(), BenchRuns.directory())) {
                    measure("demo (" + data.train().name() + ", batch 64, frames paced at ≤ 60/s)", session.server().port(), n,
                            session.experiment()::step);
                }
            }
        }
        return 0;
    }

    private void measure(String source, int port, int subscriberCount, LongSupplier step) throws Exception {
        List<StreamProbe> probes = new ArrayList<>();
        try {
            for (int i = 0; i < subscriberCount; i++) {
                probes.add(new StreamProbe(port));
            }
            for (StreamProbe p : probes) {
                p.awaitFirstFrame();
            }
            Thread.sleep(warmup * 1000L);
            long start = StreamProbe.nowMicros();
            long end = start + seconds * 1_000_000L;
            probes.forEach(p -> p.measureBetween(start, end));
            long fromStep = step.getAsLong();
            Thread.sleep(seconds * 1000L);
            double stepsPerSecond = (step.getAsLong() - fromStep) / (double) seconds;
            Thread.sleep(500);
            double minFps = Double.MAX_VALUE;
            double maxFps = 0;
            List<Double> all = new ArrayList<>();
            long bytes = 0;
            long dropped = 0;
            for (StreamProbe p : probes) {
                double rate = p.frames() / (double) seconds;
                minFps = Math.min(minFps, rate);
                maxFps = Math.max(maxFps, rate);
                for (double l : p.latencies()) {
                    all.add(l);
                }
                bytes += p.bytes();
                dropped += p.droppedAtServer();
            }
            Percentiles latency = Percentiles.of(all.stream().mapToDouble(Double::doubleValue).toArray());
            System.out.printf("| %s | %d | %.1f | %.1f–%.1f | %.1f | %.1f | %.1f | %.1f | %.1f | %d |%n", source,
                    subscriberCount, stepsPerSecond, minFps, maxFps, latency.p50(), latency.p90(), latency.p99(), latency.max(),
                    bytes / 1e6 / seconds / subscriberCount, dropped);
        } finally {
            probes.forEach(StreamProbe::close);
        }
    }
}
