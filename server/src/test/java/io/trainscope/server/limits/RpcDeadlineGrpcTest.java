package io.trainscope.server.limits;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.trainscope.proto.v1.Heartbeat;
import io.trainscope.proto.v1.MetricsRequest;
import io.trainscope.proto.v1.MetricsResponse;
import io.trainscope.proto.v1.MetricsServiceGrpc;
import io.trainscope.proto.v1.SubscribeRequest;
import io.trainscope.proto.weightslab.CommandResponse;
import io.trainscope.proto.weightslab.ExperimentServiceGrpc;
import io.trainscope.proto.weightslab.HyperParameterCommand;
import io.trainscope.proto.weightslab.HyperParameters;
import io.trainscope.proto.weightslab.TrainerCommand;
import io.trainscope.server.ServedExperiment;
import io.trainscope.server.ServerSettings;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server's deadline (here 1 s instead of 120 s) ends a unary call that brings none with
 * DEADLINE_EXCEEDED; a client's own deadline wins; streams are not cut by it. The slow call is
 * a learning-rate change, which waits for a step boundary that never comes: nothing trains.
 */
class RpcDeadlineGrpcTest {

    private static final Duration DEADLINE = Duration.ofSeconds(1);

    @TempDir
    static Path run;
    private static ServedExperiment served;

    @BeforeAll
    static void serve() {
        served = ServedExperiment.start(run, ServerSettings.loopback()
                .withLimits(RpcLimits.defaults().withUnaryDeadline(DEADLINE)));
    }

    @AfterAll
    static void stop() throws InterruptedException {
        served.close();
        served = null; // the class stays loaded after its tests: let the closed experiment go
    }

    @Test
    void aUnaryCallWithoutADeadlineGetsDeadlineExceededWhenTheServersPasses() throws Exception {
        long start = System.nanoTime();

        Status status = changeLearningRate(ExperimentServiceGrpc.newStub(served.channel())).get(20, TimeUnit.SECONDS);

        assertThat(status.getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED);
        assertThat(status.getDescription()).startsWith("The server's deadline of 1.0 s for a call that sets none passed");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(DEADLINE.minusMillis(100), Duration.ofSeconds(8));
    }

    @Test
    void aJsonCallWithoutADeadlineGetsDeadlineExceededWhenTheServersPasses() throws Exception {
        long start = System.nanoTime();
        HttpResponse<String> reply = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + served.port() + "/ExperimentService/ExperimentCommand"))
                .timeout(Duration.ofSeconds(20)).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(
                        "{\"hyperParameterChange\":{\"hyperParameters\":{\"learningRate\":0.01}}}")).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(reply.statusCode()).as(reply.body()).isEqualTo(504);
        assertThat(reply.body()).contains("DEADLINE_EXCEEDED");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(DEADLINE.minusMillis(100), Duration.ofSeconds(8));
    }

    @Test
    void aClientsLongerDeadlineWinsOverTheServers() throws Exception {
        long start = System.nanoTime();

        Status status = changeLearningRate(ExperimentServiceGrpc.newStub(served.channel()).withDeadlineAfter(3, TimeUnit.SECONDS))
                .get(20, TimeUnit.SECONDS);

        assertThat(status.getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(2_900), Duration.ofSeconds(10));
    }

    @Test
    void subscribeOutlivesTheUnaryDeadline() throws Exception {
        Recorder feed = new Recorder();
        MetricsServiceGrpc.newStub(served.channel()).subscribe(SubscribeRequest.getDefaultInstance(), feed);

        Thread.sleep(5 * DEADLINE.toMillis()); // heartbeats come every 2 s: at least two

        assertThat(feed.closed).as("the stream is still open").isNotDone();
        assertThat(feed.lastMessageAt).as("a heartbeat came after the deadline had passed")
                .isGreaterThan(feed.start + DEADLINE.toNanos() * 3 / 2);
    }

    @Test
    void streamMetricsOutlivesTheUnaryDeadline() throws Exception {
        Recorder feed = new Recorder();
        StreamObserver<MetricsRequest> up = MetricsServiceGrpc.newStub(served.channel()).streamMetrics(feed);
        up.onNext(MetricsRequest.newBuilder().setHeartbeat(Heartbeat.newBuilder().setSequenceNumber(1)).build());

        Thread.sleep(5 * DEADLINE.toMillis()); // heartbeats come every 2 s: at least two

        assertThat(feed.closed).as("the stream is still open").isNotDone();
        assertThat(feed.lastMessageAt).isGreaterThan(feed.start + DEADLINE.toNanos() * 3 / 2);
        up.onCompleted();
    }

    private static CompletableFuture<Status> changeLearningRate(ExperimentServiceGrpc.ExperimentServiceStub stub) {
        CompletableFuture<Status> closed = new CompletableFuture<>();
        stub.experimentCommand(TrainerCommand.newBuilder().setHyperParameterChange(HyperParameterCommand.newBuilder()
                .setHyperParameters(HyperParameters.newBuilder().setLearningRate(0.01f))).build(), new StreamObserver<>() {
                    @Override
                    public void onNext(CommandResponse value) {}

                    @Override
                    public void onError(Throwable t) {
                        closed.complete(Status.fromThrowable(t));
                    }

                    @Override
                    public void onCompleted() {
                        closed.complete(Status.OK);
                    }
                });
        return closed;
    }

    /** Records when the last message came and whether the stream closed. */
    private static final class Recorder implements StreamObserver<MetricsResponse> {
        final long start = System.nanoTime();
        volatile long lastMessageAt;
        final CompletableFuture<Status> closed = new CompletableFuture<>();

        @Override
        public void onNext(MetricsResponse value) {
            lastMessageAt = System.nanoTime();
        }

        @Override
        public void onError(Throwable t) {
            closed.complete(Status.fromThrowable(t));
        }

        @Override
        public void onCompleted() {
            closed.complete(Status.OK);
        }
    }
}
