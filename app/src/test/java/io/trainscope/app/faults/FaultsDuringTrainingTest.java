package io.trainscope.app.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.trainscope.app.LiveRun;
import io.trainscope.core.Experiment;
import io.trainscope.djl.data.GeneratedShapes;
import io.trainscope.djl.train.TrainingOptions;
import io.trainscope.proto.v1.Heartbeat;
import io.trainscope.proto.v1.MetricsRequest;
import io.trainscope.proto.v1.MetricsResponse;
import io.trainscope.proto.v1.MetricsServiceGrpc;
import io.trainscope.proto.v1.SubscribeRequest;
import io.trainscope.proto.weightslab.ExperimentServiceGrpc;
import io.trainscope.proto.weightslab.GetEvaluationStatusRequest;
import io.trainscope.proto.weightslab.GetEvaluationStatusResponse;
import io.trainscope.server.ServerSettings;
import io.trainscope.server.TrainingSession;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Clients that misbehave while a real training runs: they vanish without a word, stop reading, or
 * arrive two hundred at once. Nothing acknowledged is lost, training goes on, the server keeps serving.
 */
class FaultsDuringTrainingTest {

    private static TrainingSession session;
    private static ManagedChannel channel;

    @BeforeAll
    static void start() throws Exception {
        session = TrainingSession.start(GeneratedShapes.create("shapes/train", 4_000, 1),
                GeneratedShapes.create("shapes/test", 200, 2), TrainingOptions.epochs(1_000), 32, 1e-3f, false,
                ServerSettings.loopback(), LiveRun.runDirectory());
        channel = NettyChannelBuilder.forAddress("127.0.0.1", session.server().port()).usePlaintext().build();
        LiveRun.await("training runs", () -> session.experiment().step() > 20, 120);
    }

    @AfterAll
    static void stop() throws Exception {
        channel.shutdownNow();
        session.close();
        session = null; // the class stays loaded after its tests: let the closed session go
    }

    @Test
    void subscribersThatVanishWithoutAWordAreCleanedUpAndTrainingGoesOn() throws Exception {
        Experiment experiment = session.experiment();
        int before = experiment.feed().subscriberCount();
        List<RawHttp2Stream> clients = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            clients.add(new RawHttp2Stream(session.server().port(), "/trainscope.v1.MetricsService/Subscribe",
                    SubscribeRequest.getDefaultInstance().toByteArray(), true));
            clients.add(new RawHttp2Stream(session.server().port(), "/trainscope.v1.MetricsService/StreamMetrics",
                    MetricsRequest.newBuilder().setHeartbeat(Heartbeat.newBuilder().setSequenceNumber(1)).build()
                            .toByteArray(), false));
        }
        LiveRun.await("every raw client receives its stream", () -> clients.stream().allMatch(c -> c.dataBytes() > 0), 30);
        assertThat(experiment.feed().subscriberCount()).isEqualTo(before + clients.size());
        long step = experiment.step();
        for (RawHttp2Stream client : clients) {
            client.vanish();
        }
        LiveRun.await("the vanished subscribers are gone", () -> experiment.feed().subscriberCount() == before, 30);
        LiveRun.await("training goes on", () -> experiment.step() > step + 20, 60);
        assertThat(evaluationStatus(channel)).isNotNull();
    }

    @Test
    void aSubscriberThatStopsReadingLosesFramesButNeitherTrainingNorOtherSubscribersSlowDown() throws Exception {
        double alone = stepsPerSecond(3_000);
        ManagedChannel stuckChannel = NettyChannelBuilder.forAddress("127.0.0.1", session.server().port()).usePlaintext()
                .flowControlWindow(16 * 1024).build();
        List<MetricsResponse> stuckReceived = new CopyOnWriteArrayList<>();
        ClientCall<SubscribeRequest, MetricsResponse> stuck = stuckChannel.newCall(MetricsServiceGrpc.getSubscribeMethod(),
                CallOptions.DEFAULT);
        stuck.start(collectInto(stuckReceived), new Metadata());
        stuck.request(1); // one message, then it reads nothing more: its flow-control window fills
        stuck.sendMessage(SubscribeRequest.getDefaultInstance());
        stuck.halfClose();
        AtomicLong othersFrames = new AtomicLong();
        ClientCall<SubscribeRequest, MetricsResponse> other = channel.newCall(MetricsServiceGrpc.getSubscribeMethod(),
                CallOptions.DEFAULT);
        other.start(countFrames(othersFrames, () -> other.request(1)), new Metadata());
        other.request(1);
        other.sendMessage(SubscribeRequest.getDefaultInstance());
        other.halfClose();
        try {
            Thread.sleep(2_000); // the stuck client's window fills
            long published = session.experiment().feed().publishedFrames();
            long otherBefore = othersFrames.get();
            double underStuck = stepsPerSecond(5_000);
            long publishedWhileStuck = session.experiment().feed().publishedFrames() - published;
            assertThat(underStuck).as("steps/s with a stuck subscriber, against %.1f alone", alone)
                    .isGreaterThan(alone * 0.5);
            assertThat(othersFrames.get() - otherBefore).as("frames another subscriber received meanwhile")
                    .isGreaterThan(publishedWhileStuck / 4);
            stuck.request(Integer.MAX_VALUE); // reads again: the next performance sample counts what it lost
            LiveRun.await("the stuck subscriber hears how many frames it lost", () -> stuckReceived.stream()
                    .anyMatch(m -> m.getPerformanceData().getDroppedFrames() >= publishedWhileStuck / 2), 30);
        } finally {
            stuck.cancel("done", null);
            other.cancel("done", null);
            stuckChannel.shutdownNow();
        }
    }

    @Test
    void aBurstOfTwoHundredConnectionsIsAnsweredAndTrainingGoesOn() throws Exception {
        long step = session.experiment().step();
        List<ManagedChannel> channels = new ArrayList<>();
        List<com.google.common.util.concurrent.ListenableFuture<GetEvaluationStatusResponse>> calls = new ArrayList<>();
        try {
            for (int i = 0; i < 200; i++) {
                ManagedChannel fresh = NettyChannelBuilder.forAddress("127.0.0.1", session.server().port()).usePlaintext()
                        .build();
                channels.add(fresh);
                calls.add(ExperimentServiceGrpc.newFutureStub(fresh).withDeadlineAfter(30, TimeUnit.SECONDS)
                        .getEvaluationStatus(GetEvaluationStatusRequest.getDefaultInstance()));
            }
            List<Status.Code> codes = new ArrayList<>();
            for (var call : calls) {
                try {
                    call.get(40, TimeUnit.SECONDS);
                    codes.add(Status.Code.OK);
                } catch (java.util.concurrent.ExecutionException e) {
                    codes.add(Status.fromThrowable(e.getCause()).getCode());
                }
            }
            assertThat(codes).as("every connection's call answered, or refused cleanly")
                    .allMatch(c -> c == Status.Code.OK || c == Status.Code.RESOURCE_EXHAUSTED);
        } finally {
            channels.forEach(ManagedChannel::shutdownNow);
        }
        long start = System.nanoTime();
        assertThat(evaluationStatus(channel)).isNotNull();
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).as("a call right after the burst, ms")
                .isLessThan(5_000);
        LiveRun.await("training goes on", () -> session.experiment().step() > step + 20, 60);
    }

    private static GetEvaluationStatusResponse evaluationStatus(ManagedChannel to) {
        return ExperimentServiceGrpc.newBlockingStub(to).withDeadlineAfter(10, TimeUnit.SECONDS)
                .getEvaluationStatus(GetEvaluationStatusRequest.getDefaultInstance());
    }

    private static double stepsPerSecond(long millis) throws InterruptedException {
        long from = session.experiment().step();
        long start = System.nanoTime();
        Thread.sleep(millis);
        return (session.experiment().step() - from) / ((System.nanoTime() - start) / 1e9);
    }

    private static ClientCall.Listener<MetricsResponse> collectInto(List<MetricsResponse> into) {
        return new ClientCall.Listener<>() {
            @Override
            public void onMessage(MetricsResponse message) {
                into.add(message);
            }
        };
    }

    private static ClientCall.Listener<MetricsResponse> countFrames(AtomicLong frames, Runnable requestNext) {
        return new ClientCall.Listener<>() {
            @Override
            public void onMessage(MetricsResponse message) {
                if (message.hasBatchData()) {
                    frames.incrementAndGet();
                }
                requestNext.run();
            }
        };
    }
}
