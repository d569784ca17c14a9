package io.trainscope.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.trainscope.djl.data.GeneratedShapes;
import io.trainscope.djl.train.TrainingOptions;
import io.trainscope.proto.v1.ControlAction;
import io.trainscope.proto.v1.ControlCommand;
import io.trainscope.proto.v1.MetricsServiceGrpc;
import io.trainscope.proto.v1.SessionInfo;
import io.trainscope.server.ServerSettings;
import io.trainscope.server.TrainingSession;
import io.trainscope.server.watchdog.SlowCall;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The watchdog names an RPC that took too long, with its method and arguments. */
class WatchdogGrpcTest {

    @Test
    void anRpcSlowerThanTheThresholdIsRecordedWithItsMethodAndArguments() throws Exception {
        try (TrainingSession session = TrainingSession.start(GeneratedShapes.create("shapes/train", 2_000, 1),
                GeneratedShapes.create("shapes/test", 100, 2), TrainingOptions.epochs(50), 32, 1e-3f, false,
                ServerSettings.loopback().withSlowCallThreshold(Duration.ofMillis(200)), LiveRun.runDirectory())) {
            LiveRun.await("training runs", () -> session.experiment().step() > 3, 60);
            ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", session.server().port()).usePlaintext().build();
            try {
                MetricsServiceGrpc.newBlockingStub(channel).registerTrainingSession(SessionInfo.getDefaultInstance());
                // Something holds the training thread for 600 ms; a pause asked meanwhile waits for it.
                session.experiment().gate().submit(step -> {
                    Thread.sleep(600);
                    return step;
                });
                MetricsServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
                        .sendControl(ControlCommand.newBuilder().setAction(ControlAction.PAUSE).setRequestId("slow").build());
                MetricsServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
                        .sendControl(ControlCommand.newBuilder().setAction(ControlAction.RESUME).build()); // fast
            } finally {
                channel.shutdownNow();
            }
            LiveRun.await("slow call recorded", () -> !session.server().slowCalls().isEmpty(), 5);
            SlowCall slow = session.server().slowCalls().get(0);
            assertThat(slow.method()).isEqualTo("trainscope.v1.MetricsService/SendControl");
            assertThat(slow.arguments()).contains("action: PAUSE").contains("request_id: \"slow\"");
            assertThat(slow.millis()).isBetween(200L, 5_000L);
            assertThat(slow.status()).isEqualTo("OK");
            assertThat(session.server().slowCalls()).hasSize(1); // the quick ones are not reported
        }
    }
}
