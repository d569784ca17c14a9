package io.trainscope.bench;

import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import io.trainscope.djl.data.DemoData;
import io.trainscope.djl.train.TrainingOptions;
import io.trainscope.proto.v1.MetricsResponse;
import io.trainscope.proto.v1.MetricsServiceGrpc;
import io.trainscope.proto.v1.SubscribeRequest;
import io.trainscope.proto.weightslab.DataSamplesRequest;
import io.trainscope.proto.weightslab.ExperimentServiceGrpc;
import io.trainscope.proto.weightslab.GetEvaluationStatusRequest;
import io.trainscope.proto.weightslab.GetLatestLoggerDataRequest;
import io.trainscope.proto.weightslab.TrainerCommand;
import io.trainscope.server.ServerSettings;
import io.trainscope.server.TrainingSession;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The dashboard's load on a real training: pollers at 1 Hz each (incremental curves, the
 * hyperparameters, a page of 32 samples with thumbnails, the evaluation status, in turn) and
 * stream subscribers, against the same session's steps/s with no clients before and after.
 */
@Command(name = "load", mixinStandardHelpOptions = true,
        description = "Dashboard pollers and stream subscribers during training: errors, poll latency, frames, steps/s.")
final class LoadBenchmark implements Callable<Integer> {

    @Option(names = "--minutes", defaultValue = "10", description = "Minutes under load (default: ${DEFAULT-VALUE}).")
    double minutes;

    @Option(names = "--pollers", defaultValue = "50", description = "Pollers at 1 Hz each (default: ${DEFAULT-VALUE}).")
    int pollers;

    @Option(names = "--subscribers", defaultValue = "10", description = "Subscribe streams (default: ${DEFAULT-VALUE}).")
    int subscribers;

    @Option(names = "--alone-seconds", defaultValue = "30",
            description = "Seconds measured without clients, before and after the load (default: ${DEFAULT-VALUE}).")
    int aloneSeconds;

    private static final Metadata.Key<String> CLIENT_ID = Metadata.Key.of("x-trainscope-client-id",
            Metadata.ASCII_STRING_MARSHALLER);

    @Override
    public Integer call() throws Exception {
        DemoData.Choice data = DemoData.choose(Optional.empty());
        try (TrainingSession session = TrainingSession.start(data.train(), data.test(), TrainingOptions.epochs(1_000), 64,
                1e-3f, false, ServerSettings.loopback(), BenchRuns.directory())) {
            while (session.experiment().step() < 100) {
                Thread.sleep(50);
            }
            double before = stepsPerSecond(session, aloneSeconds * 1000L);
            ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", session.server().port()).usePlaintext()
                    .maxInboundMessageSize(64 * 1024 * 1024).build();
            Map<String, AtomicLong> errors = new TreeMap<>();
            ConcurrentLinkedQueue<Double> latencies = new ConcurrentLinkedQueue<>();
            List<AtomicLong> frames = new ArrayList<>();
            List<StreamObserver<MetricsResponse>> streams = new ArrayList<>();
            for (int i = 0; i < subscribers; i++) {
                AtomicLong count = new AtomicLong();
                frames.add(count);
                MetricsServiceGrpc.newStub(channel).subscribe(SubscribeRequest.getDefaultInstance(), counting(count, errors));
            }
            ScheduledExecutorService clock = Executors.newScheduledThreadPool(2);
            for (int i = 0; i < pollers; i++) {
                Poller poller = new Poller(channel, "poller-" + i, errors, latencies);
                clock.scheduleAtFixedRate(poller::poll, i * 1000L / pollers, 1000, TimeUnit.MILLISECONDS);
            }
            double under = stepsPerSecond(session, (long) (minutes * 60_000));
            clock.shutdownNow();
            channel.shutdownNow();
            channel.awaitTermination(10, TimeUnit.SECONDS);
            double after = stepsPerSecond(session, aloneSeconds * 1000L);
            print(before, after, under, latencies, frames, errors);
        }
        return 0;
    }

    private void print(double before, double after, double under, ConcurrentLinkedQueue<Double> latencies,
            List<AtomicLong> frames, Map<String, AtomicLong> errors) {
        Percentiles p = Percentiles.of(latencies.stream().mapToDouble(Double::doubleValue).toArray());
        double alone = (before + after) / 2;
        long fewest = frames.stream().mapToLong(AtomicLong::get).min().orElse(0);
        long most = frames.stream().mapToLong(AtomicLong::get).max().orElse(0);
        System.out.println("| minutes | pollers | subscribers | polls | poll p50 ms | p99 ms | frames per subscriber (min / max)"
                + " | steps/s alone (before / after) | steps/s under load | ratio | errors |");
        System.out.println("|---|---|---|---|---|---|---|---|---|---|---|");
        System.out.printf("| %.1f | %d | %d | %d | %.1f | %.1f | %d / %d | %.1f (%.1f / %.1f) | %.1f | %.2f | %s |%n", minutes,
                pollers, subscribers, p.count(), p.p50(), p.p99(), fewest, most, alone, before, after, under, under / alone,
                errors.isEmpty() ? "none" : errors.toString());
    }

    private static double stepsPerSecond(TrainingSession session, long millis) throws InterruptedException {
        long from = session.experiment().step();
        long start = System.nanoTime();
        Thread.sleep(millis);
        return (session.experiment().step() - from) / ((System.nanoTime() - start) / 1e9);
    }

    private static StreamObserver<MetricsResponse> counting(AtomicLong frames, Map<String, AtomicLong> errors) {
        return new StreamObserver<>() {
            @Override
            public void onNext(MetricsResponse message) {
                if (message.hasBatchData()) {
                    frames.incrementAndGet();
                }
            }

            @Override
            public void onError(Throwable t) {
                Status.Code code = Status.fromThrowable(t).getCode();
                if (code != Status.Code.CANCELLED && code != Status.Code.UNAVAILABLE) { // the benchmark's own shutdown
                    count(errors, "Subscribe " + code);
                }
            }

            @Override
            public void onCompleted() {}
        };
    }

    private static void count(Map<String, AtomicLong> errors, String what) {
        synchronized (errors) {
            errors.computeIfAbsent(what, k -> new AtomicLong()).incrementAndGet();
        }
    }

    /** One dashboard: each tick one of its four polls, in turn, with its own client id (its own curve cursor and view). */
    private static final class Poller {
        private final ExperimentServiceGrpc.ExperimentServiceFutureStub stub;
        private final Map<String, AtomicLong> errors;
        private final ConcurrentLinkedQueue<Double> latencies;
        private final Map<Integer, String> names = new ConcurrentHashMap<>(Map.of(0, "GetLatestLoggerData",
                1, "ExperimentCommand", 2, "GetDataSamples", 3, "GetEvaluationStatus"));
        private int tick;

        Poller(ManagedChannel channel, String id, Map<String, AtomicLong> errors, ConcurrentLinkedQueue<Double> latencies) {
            Metadata headers = new Metadata();
            headers.put(CLIENT_ID, id);
            this.stub = ExperimentServiceGrpc.newFutureStub(channel)
                    .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
            this.errors = errors;
            this.latencies = latencies;
        }

        void poll() {
            int which = tick++ % 4;
            var deadline = stub.withDeadlineAfter(30, TimeUnit.SECONDS);
            long start = System.nanoTime();
            com.google.common.util.concurrent.ListenableFuture<?> call = switch (which) {
                case 0 -> deadline.getLatestLoggerData(GetLatestLoggerDataRequest.getDefaultInstance());
                case 1 -> deadline.experimentCommand(TrainerCommand.newBuilder().setGetHyperParameters(true).build());
                case 2 -> deadline.getDataSamples(DataSamplesRequest.newBuilder().setStartIndex(tick % 100 * 32)
                        .setRecordsCnt(32).setIncludeRawData(true).setResizeWidth(64).setResizeHeight(64).build());
                default -> deadline.getEvaluationStatus(GetEvaluationStatusRequest.getDefaultInstance());
            };
            call.addListener(() -> {
                try {
                    call.get();
                    latencies.add((System.nanoTime() - start) / 1e6);
                } catch (java.util.concurrent.ExecutionException e) {
                    count(errors, names.get(which) + " " + Status.fromThrowable(e.getCause()).getCode());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, Runnable::run);
        }
    }
}
