package io.trainscope.app;

import io.grpc.CallCredentials;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import io.trainscope.core.control.RunStatus;
import io.trainscope.proto.v1.ControlAck;
import io.trainscope.proto.v1.ControlAction;
import io.trainscope.proto.v1.ControlCommand;
import io.trainscope.proto.v1.Heartbeat;
import io.trainscope.proto.v1.MetricsRequest;
import io.trainscope.proto.v1.MetricsResponse;
import io.trainscope.proto.v1.MetricsServiceGrpc;
import io.trainscope.proto.v1.SessionInfo;
import io.trainscope.proto.v1.SubscribeRequest;
import io.trainscope.proto.v1.TrainingStatus;
import io.trainscope.server.TrainingSession;
import io.trainscope.server.auth.AccessTokens;
import java.util.Iterator;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The live stream over a real gRPC connection (grpc-java, HTTP/2) to a real training. */
class LiveStreamGrpcTest {

    private static TrainingSession session;
    private static ManagedChannel channel;

    @BeforeAll
    static void startTraining() throws Exception {
        session = LiveRun.shapes(AccessTokens.none(), false);
        channel = NettyChannelBuilder.forAddress("127.0.0.1", session.server().port()).usePlaintext()
                .maxInboundMessageSize(256 << 20).build();
        LiveRun.await("training runs", () -> session.experiment().step() > 10, 60);
    }

    @AfterAll
    static void stop() throws Exception {
        channel.shutdownNow();
        session.close();
        session = null; // the class stays loaded after its tests: let the closed session go
    }

    @Test
    void subscribeDeliversBatchFramesWithSixteenImagesAndTheDurableScalars() {
        var stub = MetricsServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
        Iterator<MetricsResponse> feed = stub.subscribe(SubscribeRequest.getDefaultInstance());
        boolean sawStatus = false;
        boolean sawScalar = false;
        MetricsResponse frame = null;
        long lastSequence = 0;
        while (frame == null || !sawScalar || !sawStatus) {
            MetricsResponse m = feed.next();
            if (m.getSequence() != 0) {
                assertThat(m.getSequence()).isEqualTo(lastSequence + 1); // no gaps, no repeats
                lastSequence = m.getSequence();
            }
            sawStatus |= m.hasStatusUpdate();
            sawScalar |= m.hasScalarData();
            if (m.hasBatchData()) {
                frame = m;
            }
        }
        var batch = frame.getBatchData();
        assertThat(batch.getImagesCount()).isEqualTo(16);
        assertThat(batch.getImages(0).getFormat()).isEqualTo("png");
        assertThat(batch.getImages(0).getData().substring(1, 4).toStringUtf8()).isEqualTo("PNG");
        assertThat(batch.getPredictionsCount()).isEqualTo(16);
        assertThat(batch.getGroundTruthCount()).isEqualTo(16);
        assertThat(batch.getSampleIdsCount()).isEqualTo(16);
        assertThat(batch.getGlobalStep()).isPositive();
        assertThat(batch.getServerTimestampUs()).isPositive();
        assertThat(batch.getClassNamesList()).hasSize(10); // the first frame of a stream names the classes
    }

    @Test
    void aSubscriberThatStopsReadingLosesFramesButNeverSlowsTraining() throws Exception {
        double before = stepsPerSecondOver(2_000);
        BlockingQueue<MetricsResponse> received = new LinkedBlockingQueue<>();
        // A fixed 64 KB window (no auto-tuning): what a client that stops reading can buffer.
        ManagedChannel slowChannel = NettyChannelBuilder.forAddress("127.0.0.1", session.server().port()).usePlaintext()
                .flowControlWindow(64 * 1024).build();
        ClientCall<SubscribeRequest, MetricsResponse> call = slowChannel.newCall(MetricsServiceGrpc.getSubscribeMethod(),
                CallOptions.DEFAULT.withDeadlineAfter(60, TimeUnit.SECONDS));
        call.start(new ClientCall.Listener<>() {
            @Override
            public void onMessage(MetricsResponse message) {
                received.add(message);
            }
        }, new Metadata());
        call.sendMessage(SubscribeRequest.newBuilder().setAfterSequence(Long.MAX_VALUE >> 1).build());
        call.halfClose();
        call.request(1); // then read nothing for a while

        // A training that waited on this client would stop once its window filled, in every window; the
        // best of three 1.5 s windows keeps a busy machine's bursts from reading as a stall.
        double during = 0;
        for (int window = 0; window < 3 && during <= before * 0.6; window++) {
            during = Math.max(during, stepsPerSecondOver(1_500));
        }
        assertThat(during).as("steps/s while a subscriber does not read, against %.1f before", before)
                .isGreaterThan(before * 0.6);

        call.request(1_000); // read again: the newest frame arrives, and the losses were counted
        long dropped = 0;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (dropped == 0 && System.nanoTime() < deadline) {
            MetricsResponse m = received.poll(1, TimeUnit.SECONDS);
            if (m != null && m.hasPerformanceData()) {
                dropped = m.getPerformanceData().getDroppedFrames();
            }
        }
        assertThat(dropped).as("frames lost while not reading are counted").isPositive();
        call.cancel("done", null);
        slowChannel.shutdownNow();
    }

    @Test
    void aResumedSubscriptionStartsRightAfterTheGivenSequence() {
        var stub = MetricsServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
        Iterator<MetricsResponse> feed = stub.subscribe(SubscribeRequest.newBuilder().setAfterSequence(5)
                .setSkipBatchFrames(true).build());
        MetricsResponse first = feed.next();
        while (first.getSequence() == 0) {
            first = feed.next();
        }
        assertThat(first.getSequence()).isEqualTo(6);
    }

    @Test
    void streamMetricsPausesAndResumesWithAcknowledgementsNamingTheStep() throws Exception {
        BlockingQueue<MetricsResponse> received = new LinkedBlockingQueue<>();
        StreamObserver<MetricsRequest> up = MetricsServiceGrpc.newStub(channel).streamMetrics(collect(received));
        up.onNext(MetricsRequest.newBuilder().setHeartbeat(Heartbeat.newBuilder().setTimestampMs(1).setSequenceNumber(1)).build());
        up.onNext(control(ControlAction.PAUSE, "p1"));
        ControlAck paused = awaitAck(received, "p1");
        assertThat(paused.getSuccess()).isTrue();
        assertThat(paused.getStatus()).isEqualTo(TrainingStatus.PAUSED);
        assertThat(paused.getMessage()).isEqualTo("Paused at step " + paused.getEffectiveStep());
        Thread.sleep(300);
        assertThat(session.experiment().step()).isEqualTo(paused.getEffectiveStep());

        up.onNext(control(ControlAction.RESUME, "r1"));
        ControlAck resumed = awaitAck(received, "r1");
        assertThat(resumed.getSuccess()).isTrue();
        assertThat(resumed.getEffectiveStep()).isEqualTo(paused.getEffectiveStep());
        LiveRun.await("steps advance after resume", () -> session.experiment().step() > resumed.getEffectiveStep() + 5, 30);
        up.onCompleted();
    }

    @Test
    void aBadCommandOnTheStreamGetsAnUnsuccessfulAckAndTheStreamGoesOn() throws Exception {
        BlockingQueue<MetricsResponse> received = new LinkedBlockingQueue<>();
        StreamObserver<MetricsRequest> up = MetricsServiceGrpc.newStub(channel).streamMetrics(collect(received));
        up.onNext(MetricsRequest.newBuilder().setControl(ControlCommand.newBuilder()
                .setAction(ControlAction.CHANGE_LEARNING_RATE).setLearningRate(Float.NaN).setRequestId("bad")).build());
        ControlAck ack = awaitAck(received, "bad");
        assertThat(ack.getSuccess()).isFalse();
        assertThat(ack.getMessage()).contains("learning rate must be a finite number");
        MetricsResponse later = received.poll(10, TimeUnit.SECONDS);
        assertThat(later).isNotNull();
        up.onCompleted();
    }

    @Test
    void sendControlRefusesBadInputWithInvalidArgumentAndChangesNothing() {
        var stub = MetricsServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
        float before = session.experiment().hyperParameters().learningRate();
        assertThatThrownBy(() -> stub.sendControl(ControlCommand.newBuilder().setAction(ControlAction.CHANGE_LEARNING_RATE)
                .setLearningRate(-1).build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
                    assertThat(e.getStatus().getDescription()).contains("learning rate");
                });
        assertThatThrownBy(() -> stub.sendControl(ControlCommand.newBuilder().setAction(ControlAction.ADJUST_BATCH_SIZE)
                .setBatchSize(0).build()))
                .hasMessageContaining("INVALID_ARGUMENT").hasMessageContaining("batch size must be between 1 and 4096");
        assertThatThrownBy(() -> stub.sendControl(ControlCommand.getDefaultInstance()))
                .hasMessageContaining("INVALID_ARGUMENT").hasMessageContaining("action must be one of");
        assertThat(session.experiment().hyperParameters().learningRate()).isEqualTo(before);
    }

    @Test
    void sendControlChangesTheLearningRateAtAStepBoundary() {
        var stub = MetricsServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
        ControlAck ack = stub.sendControl(ControlCommand.newBuilder().setAction(ControlAction.CHANGE_LEARNING_RATE)
                .setLearningRate(5e-4f).build());
        assertThat(ack.getSuccess()).isTrue();
        assertThat(ack.getMessage()).isEqualTo("Learning rate set to 5.0E-4 at step " + ack.getEffectiveStep());
        assertThat(session.experiment().hyperParameters().learningRate()).isEqualTo(5e-4f);
        assertThat(session.experiment().hyperParameters().history())
                .anySatisfy(c -> assertThat(c.step()).isEqualTo(ack.getEffectiveStep()));
    }

    @Test
    void everyAuditedActionReachesSubscribersAsADurableMessageOnceItIsInTheLog() {
        var stub = MetricsServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
        long latest = stub.registerTrainingSession(SessionInfo.getDefaultInstance()).getLatestSequence();
        Iterator<MetricsResponse> feed = stub.subscribe(SubscribeRequest.newBuilder().setAfterSequence(latest)
                .setSkipBatchFrames(true).build());
        ControlAck ack = stub.sendControl(ControlCommand.newBuilder().setAction(ControlAction.CHANGE_LEARNING_RATE)
                .setLearningRate(7e-4f).build());

        MetricsResponse entry = feed.next();
        while (!entry.hasAuditEntry()) {
            entry = feed.next();
        }
        assertThat(entry.getSequence()).isGreaterThan(latest);
        assertThat(entry.getAuditEntry()).satisfies(e -> {
            assertThat(e.getAction()).isEqualTo("hp_change");
            assertThat(e.getParametersMap()).containsEntry("learning_rate", "7.0E-4");
            assertThat(e.getCaller()).startsWith("anonymous@");
            assertThat(e.getResult()).isEqualTo(ack.getMessage());
        });
        assertThat(session.experiment().audit().recent()).last()
                .satisfies(e -> assertThat(e.result()).isEqualTo(ack.getMessage()));

        Iterator<MetricsResponse> replay = stub.subscribe(SubscribeRequest.newBuilder()
                .setAfterSequence(entry.getSequence() - 1).setSkipBatchFrames(true).build());
        MetricsResponse first = replay.next();
        while (first.getSequence() == 0) {
            first = replay.next();
        }
        assertThat(first).as("a reconnecting client gets it again").isEqualTo(entry);
    }

    @Test
    void registerTrainingSessionDescribesTheRun() {
        var stub = MetricsServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
        var response = stub.registerTrainingSession(SessionInfo.newBuilder().setClientName("test").build());
        assertThat(response.getSessionId()).isNotBlank();
        assertThat(response.getConfig().getModelName()).isEqualTo("small-cnn");
        assertThat(response.getConfig().getClassNamesCount()).isEqualTo(10);
        assertThat(response.getLatestSequence()).isPositive();
        assertThat(response.getInstanceId()).isNotBlank()
                .isEqualTo(stub.registerTrainingSession(SessionInfo.getDefaultInstance()).getInstanceId());
        assertThat(session.experiment().status()).isIn(RunStatus.RUNNING, RunStatus.PAUSED);
    }

    @Test
    void withTokensEveryCallWithoutAValidTokenIsRefusedAndAValidOneWorks() throws Exception {
        try (TrainingSession secured = LiveRun.shapes(AccessTokens.of("alice", "s3cret"), true)) {
            ManagedChannel ch = NettyChannelBuilder.forAddress("127.0.0.1", secured.server().port()).usePlaintext().build();
            try {
                var anonymous = MetricsServiceGrpc.newBlockingStub(ch).withDeadlineAfter(10, TimeUnit.SECONDS);
                assertThatThrownBy(() -> anonymous.registerTrainingSession(SessionInfo.getDefaultInstance()))
                        .isInstanceOfSatisfying(StatusRuntimeException.class,
                                e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED));
                assertThatThrownBy(() -> anonymous.subscribe(SubscribeRequest.getDefaultInstance()).next())
                        .hasMessageContaining("UNAUTHENTICATED");
                assertThatThrownBy(() -> anonymous.withCallCredentials(bearer("wrong"))
                        .sendControl(control(ControlAction.PAUSE, "x").getControl()))
                        .hasMessageContaining("UNAUTHENTICATED");
                var alice = anonymous.withCallCredentials(bearer("s3cret"));
                assertThat(alice.registerTrainingSession(SessionInfo.getDefaultInstance()).getSessionId()).isNotBlank();
                assertThat(alice.subscribe(SubscribeRequest.getDefaultInstance()).next()).isNotNull();
            } finally {
                ch.shutdownNow();
            }
        }
    }

    private static double stepsPerSecondOver(long millis) throws InterruptedException {
        long from = session.experiment().step();
        long fromNanos = System.nanoTime();
        Thread.sleep(millis);
        return (session.experiment().step() - from) * 1e9 / (System.nanoTime() - fromNanos);
    }

    static CallCredentials bearer(String token) {
        return new CallCredentials() {
            @Override
            public void applyRequestMetadata(RequestInfo info, Executor executor, MetadataApplier applier) {
                Metadata headers = new Metadata();
                headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
                applier.apply(headers);
            }
        };
    }

    static MetricsRequest control(ControlAction action, String id) {
        return MetricsRequest.newBuilder().setControl(ControlCommand.newBuilder().setAction(action).setRequestId(id)).build();
    }

    static ControlAck awaitAck(BlockingQueue<MetricsResponse> received, String requestId) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            MetricsResponse m = received.poll(1, TimeUnit.SECONDS);
            if (m != null && m.hasControlAck() && m.getControlAck().getRequestId().equals(requestId)) {
                return m.getControlAck();
            }
        }
        throw new AssertionError("no acknowledgement for " + requestId);
    }

    static StreamObserver<MetricsResponse> collect(BlockingQueue<MetricsResponse> into) {
        return new StreamObserver<>() {
            @Override
            public void onNext(MetricsResponse value) {
                into.add(value);
            }

            @Override
            public void onError(Throwable t) {}

            @Override
            public void onCompleted() {}
        };
    }
}
