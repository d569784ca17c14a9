package io.trainscope.bench;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.trainscope.core.checkpoints.Checkpoint;
import io.trainscope.djl.data.DemoData;
import io.trainscope.djl.train.TrainingOptions;
import io.trainscope.proto.weightslab.ExperimentServiceGrpc;
import io.trainscope.proto.weightslab.RestoreCheckpointRequest;
import io.trainscope.proto.weightslab.RestoreCheckpointResponse;
import io.trainscope.server.ServerSettings;
import io.trainscope.server.TrainingSession;
import java.nio.file.Files;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Checkpoints of the demo model during real training: how long a checkpoint holds the training
 * thread (the copy at a step boundary; the disk write happens on another thread), and how long a
 * RestoreCheckpoint RPC takes end to end (pause, read, put back).
 */
@Command(name = "checkpoint", mixinStandardHelpOptions = true,
        description = "Training-thread hold per checkpoint and RestoreCheckpoint time, on the demo model.")
final class CheckpointBenchmark implements Callable<Integer> {

    @Option(names = "--rounds", defaultValue = "30", description = "Checkpoints and restores (default: ${DEFAULT-VALUE}).")
    int rounds;

    @Override
    public Integer call() throws Exception {
        DemoData.Choice data = DemoData.choose(Optional.empty());
        try (TrainingSession session = TrainingSession.start(data.train(), data.test(), TrainingOptions.epochs(100), 64,
                1e-3f, false, ServerSettings.loopback(), BenchRuns.directory())) {
            var experiment = session.experiment();
            while (experiment.step() < 50) {
                Thread.sleep(10);
            }
            for (int i = 0; i < 5; i++) { // warm-up: the JIT compiles the copy and the file writer
                experiment.gate().submitAtBoundary(step -> experiment.checkpoints().takeNow()).get(30, TimeUnit.SECONDS)
                        .get(30, TimeUnit.SECONDS);
            }
            double[] holdMs = new double[rounds];
            double[] saveMs = new double[rounds];
            Checkpoint last = null;
            for (int i = 0; i < rounds; i++) {
                long start = System.nanoTime();
                last = experiment.gate().submitAtBoundary(step -> experiment.checkpoints().takeNow()).get(30, TimeUnit.SECONDS)
                        .get(30, TimeUnit.SECONDS);
                saveMs[i] = (System.nanoTime() - start) / 1e6;
                holdMs[i] = experiment.checkpoints().lastHoldNanos() / 1e6;
                Thread.sleep(50);
            }
            long bytes = Files.size(experiment.runDirectory().resolve("checkpoints").resolve(last.runHash())
                    .resolve(Long.toString(last.step())).resolve("checkpoint.bin"));
            ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", session.server().port()).usePlaintext().build();
            var stub = ExperimentServiceGrpc.newBlockingStub(channel);
            double[] restoreMs = new double[rounds];
            double[] restoreHeldMs = new double[rounds];
            String target = last.runHash() + "@@step=" + last.step();
            for (int i = 0; i < rounds; i++) {
                long start = System.nanoTime();
                RestoreCheckpointResponse reply = stub.withDeadlineAfter(60, TimeUnit.SECONDS)
                        .restoreCheckpoint(RestoreCheckpointRequest.newBuilder().setExperimentHash(target).build());
                restoreMs[i] = (System.nanoTime() - start) / 1e6;
                restoreHeldMs[i] = experiment.checkpoints().lastRestoreNanos() / 1e6;
                if (!reply.getSuccess()) {
                    throw new IllegalStateException(reply.getMessage());
                }
                experiment.steering().resume().get(10, TimeUnit.SECONDS);
                Thread.sleep(100);
            }
            channel.shutdownNow();
            Percentiles hold = Percentiles.of(holdMs);
            Percentiles save = Percentiles.of(saveMs);
            Percentiles restore = Percentiles.of(restoreMs);
            Percentiles restoreHeld = Percentiles.of(restoreHeldMs);
            System.out.printf("checkpoint file: %.2f MB (parameters and Adam moments of %s)%n", bytes / 1e6,
                    experiment.description().modelName());
            System.out.println("| measurement | p50 ms | p90 ms | p99 ms | max ms | target |");
            System.out.println("|---|---|---|---|---|---|");
            System.out.printf("| training thread held per checkpoint | %.1f | %.1f | %.1f | %.1f | <= 20 ms: %s |%n", hold.p50(),
                    hold.p90(), hold.p99(), hold.max(), hold.p99() <= 20 ? "met" : "NOT MET");
            System.out.printf("| save until the file is in place | %.1f | %.1f | %.1f | %.1f | |%n", save.p50(), save.p90(),
                    save.p99(), save.max());
            System.out.printf("| restore on the training thread (read the file, put back) | %.1f | %.1f | %.1f | %.1f | <= 200 ms: %s |%n",
                    restoreHeld.p50(), restoreHeld.p90(), restoreHeld.p99(), restoreHeld.max(),
                    restoreHeld.p99() <= 200 ? "met" : "NOT MET");
            System.out.printf("| RestoreCheckpoint RPC end to end (waits for the step boundary first) | %.1f | %.1f | %.1f | %.1f | |%n",
                    restore.p50(), restore.p90(), restore.p99(), restore.max());
        }
        return 0;
    }
}
