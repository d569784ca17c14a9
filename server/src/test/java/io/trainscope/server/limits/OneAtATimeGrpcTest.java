package io.trainscope.server.limits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.trainscope.proto.weightslab.DataEditsRequest;
import io.trainscope.proto.weightslab.DataEditsResponse;
import io.trainscope.proto.weightslab.DataQueryRequest;
import io.trainscope.proto.weightslab.DataQueryResponse;
import io.trainscope.proto.weightslab.ExperimentServiceGrpc;
import io.trainscope.server.ServedExperiment;
import io.trainscope.server.ServerSettings;
import io.trainscope.server.data.LanguageModelQueries;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ApplyDataQuery and EditDataSample run one at a time over real gRPC. A natural-language query
 * holds the query turn while its language model (a small HTTP server on loopback, which the
 * test lets answer when it wants) thinks; a second query waits for its turn up to the lock
 * timeout (here 2 s), then gets ABORTED.
 */
class OneAtATimeGrpcTest {

    private static final Duration LOCK_TIMEOUT = Duration.ofSeconds(2);

    @TempDir
    static Path run;
    private static HttpServer model;
    private static final Semaphore modelAsked = new Semaphore(0);
    private static final Semaphore modelMayAnswer = new Semaphore(0);
    private static ServedExperiment served;
    private static final ExecutorService callers = Executors.newFixedThreadPool(16);

    @BeforeAll
    static void serve() throws Exception {
        model = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        model.setExecutor(Executors.newCachedThreadPool());
        model.createContext("/v1/chat/completions", exchange -> {
            exchange.getRequestBody().readAllBytes();
            modelAsked.release();
            try {
                modelMayAnswer.tryAcquire(20, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            byte[] body = "{\"choices\":[{\"message\":{\"role\":\"assistant\",\"content\":\"label == 1\"}}]}"
                    .getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        model.start();
        LanguageModelQueries languageModel = new LanguageModelQueries(URI.create("http://127.0.0.1:"
                + model.getAddress().getPort() + "/v1"), "test", Optional.empty());
        served = ServedExperiment.start(run, ServerSettings.loopback()
                .withLimits(RpcLimits.defaults().withTurnWait(LOCK_TIMEOUT)), Optional.of(languageModel));
    }

    @AfterAll
    static void stop() throws InterruptedException {
        callers.shutdownNow();
        served.close();
        served = null; // the class stays loaded after its tests: let the closed experiment go
        model.stop(0);
    }

    @Test
    void aSecondQueryWhileOneRunsPastTheLockTimeoutIsAborted() throws Exception {
        Future<DataQueryResponse> first = callers.submit(() -> query("the samples of class one", true));
        assertThat(modelAsked.tryAcquire(20, TimeUnit.SECONDS)).as("the first query reached its model").isTrue();
        long start = System.nanoTime();

        assertThatThrownBy(() -> query("label == 2", false)).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.ABORTED);
            assertThat(e.getStatus().getDescription()).isEqualTo("ApplyDataQuery runs one at a time, and another one has"
                    + " been running for longer than the lock timeout (2 s); nothing was done: try again when it has"
                    + " finished");
        });
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(LOCK_TIMEOUT.minusMillis(100),
                Duration.ofSeconds(10));
        modelMayAnswer.release();
        assertThat(first.get(20, TimeUnit.SECONDS).getMessage()).startsWith("Translated");
        assertThat(query("label == 2", false).getSuccess()).as("the turn is free again").isTrue();
    }

    @Test
    void aSecondQueryWaitsForItsTurnAndIsThenServed() throws Exception {
        Future<DataQueryResponse> first = callers.submit(() -> query("the samples of class one", true));
        assertThat(modelAsked.tryAcquire(20, TimeUnit.SECONDS)).isTrue();
        CompletableFuture<DataQueryResponse> second = CompletableFuture.supplyAsync(() -> query("label == 2", false),
                callers);
        Thread.sleep(LOCK_TIMEOUT.toMillis() / 2);

        assertThat(second).as("waiting for its turn").isNotDone();
        modelMayAnswer.release();
        assertThat(second.get(20, TimeUnit.SECONDS).getMessage()).isEqualTo("Applied query: label == 2");
        assertThat(first.get(20, TimeUnit.SECONDS).getSuccess()).isTrue();
    }

    @Test
    void concurrentEditsAreAppliedAndAuditedOneAtATimeInTheSameOrder() throws Exception {
        int edits = 16;
        CountDownLatch go = new CountDownLatch(1);
        List<Future<DataEditsResponse>> replies = new ArrayList<>();
        for (int i = 0; i < edits; i++) {
            boolean discard = i % 2 == 0;
            replies.add(callers.submit(() -> {
                go.await();
                return ExperimentServiceGrpc.newBlockingStub(served.channel()).withDeadlineAfter(30, TimeUnit.SECONDS)
                        .editDataSample(DataEditsRequest.newBuilder().setStatName("discarded").setBoolValue(discard)
                                .addSamplesIds("5").addSampleOrigins("train").build());
            }));
        }
        go.countDown();
        for (Future<DataEditsResponse> reply : replies) {
            assertThat(reply.get(30, TimeUnit.SECONDS).getSuccess()).isTrue();
        }

        List<String> audited = Files.readAllLines(served.experiment.audit().file()).stream()
                .filter(line -> line.contains("\"action\":\"data_edit\"") && line.contains("\"first_ids\":\"5\"")).toList();
        assertThat(audited).hasSize(edits);
        boolean lastAudited = audited.get(edits - 1).contains("\"bool_value\":\"true\"");
        assertThat(served.experiment.samples().discarded().contains("train", 5))
                .as("the state is the one the last audit line says").isEqualTo(lastAudited);
    }

    private static DataQueryResponse query(String text, boolean naturalLanguage) {
        return ExperimentServiceGrpc.newBlockingStub(served.channel()).withDeadlineAfter(30, TimeUnit.SECONDS)
                .applyDataQuery(DataQueryRequest.newBuilder().setQuery(text).setIsNaturalLanguage(naturalLanguage).build());
    }
}
