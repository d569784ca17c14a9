package io.trainscope.bench;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.trainscope.djl.data.DemoData;
import io.trainscope.djl.train.TrainingOptions;
import io.trainscope.proto.v1.ControlAck;
import io.trainscope.proto.v1.ControlAction;
import io.trainscope.proto.v1.ControlCommand;
import io.trainscope.proto.v1.MetricsServiceGrpc;
import io.trainscope.proto.v1.SessionInfo;
import io.trainscope.server.ServerSettings;
import io.trainscope.server.TrainingSession;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Pause over gRPC during real training: acknowledgement latency, and steps that ran after it. */
@Command(name = "pause", mixinStandardHelpOptions = true,
        description = "Pause RPC acknowledgement p99 and steps executed after the acknowledgement.")
final class PauseBenchmark implements Callable<Integer> {

    @Option(names = "--rounds", defaultValue = "200", description = "Pause/resume rounds (default: ${DEFAULT-VALUE}).")
    int rounds;

    @Override
    public Integer call() throws Exception {
        DemoData.Choice data = DemoData.choose(Optional.empty());
        try (TrainingSession session = TrainingSession.start(data.train(), data.test(), TrainingOptions.epochs(100), 64,
                1e-3f, false, ServerSettings.loopback(), BenchRuns.directory())) {
            ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", session.server().port()).usePlaintext().build();
            var stub = MetricsServiceGrpc.newBlockingStub(channel);
            stub.registerTrainingSession(SessionInfo.getDefaultInstance()); // connect before measuring
            while (session.experiment().step() < 200) {
                Thread.sleep(10);
            }
            double[] ackMs = new double[rounds];
            long maxStepsAfterAck = 0;
            long totalStepsAfterAck = 0;
            for (int i = 0; i < rounds; i++) {
                long start = System.nanoTime();
                ControlAck ack = stub.withDeadlineAfter(10, TimeUnit.SECONDS)
                        .sendControl(ControlCommand.newBuilder().setAction(ControlAction.PAUSE).build());
                ackMs[i] = (System.nanoTime() - start) / 1e6;
                Thread.sleep(30); // a step or two's time: would a step sneak in after the ack?
                long after = session.experiment().step() - ack.getEffectiveStep();
                maxStepsAfterAck = Math.max(maxStepsAfterAck, after);
                totalStepsAfterAck += after;
                stub.withDeadlineAfter(10, TimeUnit.SECONDS)
                        .sendControl(ControlCommand.newBuilder().setAction(ControlAction.RESUME).build());
                Thread.sleep(20 + i % 17); // pause at varying points of a step
            }
            channel.shutdownNow();
            Percentiles p = Percentiles.of(ackMs);
            System.out.println("| rounds | ack p50 ms | p90 ms | p99 ms | max ms | steps after ack: max | total |");
            System.out.println("|---|---|---|---|---|---|---|");
            System.out.printf("| %d | %.1f | %.1f | %.1f | %.1f | %d | %d |%n", rounds, p.p50(), p.p90(), p.p99(), p.max(),
                    maxStepsAfterAck, totalStepsAfterAck);
            System.out.printf("step time during the run: %.1f ms (last step)%n", session.experiment().meter().lastStepMillis());
        }
        return 0;
    }
}
