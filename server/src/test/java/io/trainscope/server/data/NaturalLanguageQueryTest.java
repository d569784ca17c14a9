package io.trainscope.server.data;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.trainscope.core.samples.SampleStore;
import io.trainscope.core.samples.Split;
import io.trainscope.proto.weightslab.DataQueryRequest;
import io.trainscope.proto.weightslab.DataQueryResponse;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Natural-language queries through an OpenAI-compatible endpoint (a small HTTP server on
 * loopback stands in for the language model, which we do not ship): the answer is run as a
 * direct query, checked like one typed by hand.
 */
class NaturalLanguageQueryTest {

    @TempDir
    Path dir;
    private HttpServer model;
    private final AtomicReference<String> answer = new AtomicReference<>();
    private final AtomicReference<String> seenAuthorization = new AtomicReference<>();
    private final AtomicReference<String> seenBody = new AtomicReference<>();
    private SampleStore samples;

    @BeforeEach
    void start() throws IOException {
        model = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        model.createContext("/v1/chat/completions", exchange -> {
            seenAuthorization.set(exchange.getRequestHeaders().getFirst("Authorization"));
            seenBody.set(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            String text = answer.get();
            byte[] body = text == null ? new byte[0] : ("{\"choices\":[{\"message\":{\"role\":\"assistant\",\"content\":"
                    + "\"" + text.replace("\"", "\\\"") + "\"}}]}").getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(text == null ? 500 : 200, body.length == 0 ? -1 : body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        model.start();
        int[] labels = new int[40];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = i % 4;
        }
        samples = SampleStore.open(dir.resolve("experiment.duckdb"), List.of(Split.of("train", labels)));
    }

    @AfterEach
    void stop() {
        model.stop(0);
        samples.close();
    }

    private DataQueries queries() {
        URI url = URI.create("http://127.0.0.1:" + model.getAddress().getPort() + "/v1");
        return new DataQueries(samples, Optional.of(new LanguageModelQueries(url, "test-model", Optional.of("secret"))));
    }

    private DataQueryResponse ask(DataQueries queries, String question) {
        return queries.apply("c", DataQueryRequest.newBuilder().setQuery(question).setIsNaturalLanguage(true).build());
    }

    @Test
    void theModelsQueryIsAppliedToTheView() {
        answer.set("label == 3");
        DataQueryResponse reply = ask(queries(), "only the samples of class three");
        assertThat(reply.getSuccess()).as(reply.getMessage()).isTrue();
        assertThat(reply.getNumberOfAllSamples()).isEqualTo(10);
        assertThat(reply.getMessage()).contains("label == 3");
        assertThat(seenAuthorization.get()).isEqualTo("Bearer secret");
        assertThat(seenBody.get()).contains("\"model\":\"test-model\"").contains("only the samples of class three")
                .contains("label");
    }

    @Test
    void aHostileAnswerIsRefusedLikeAHostileQuery() {
        answer.set("label == 1; DROP TABLE samples");
        DataQueryResponse reply = ask(queries(), "drop everything");
        assertThat(reply.getSuccess()).isFalse();
        assertThat(reply.getMessage()).startsWith("Query refused");
        assertThat(reply.getNumberOfAllSamples()).isEqualTo(40);
    }

    @Test
    void aFailingModelGivesAClearMessage() {
        answer.set(null);
        DataQueryResponse reply = ask(queries(), "anything");
        assertThat(reply.getSuccess()).isFalse();
        assertThat(reply.getMessage()).contains("answered HTTP 500");
        model.stop(0);
        assertThat(ask(queries(), "anything").getMessage()).contains("could not be reached");
    }

    @Test
    void withoutAModelTheReplySaysHowToConfigureOne() {
        DataQueryResponse reply = ask(new DataQueries(samples, Optional.empty()), "anything");
        assertThat(reply.getSuccess()).isFalse();
        assertThat(reply.getMessage()).contains("TRAINSCOPE_LLM_URL", "TRAINSCOPE_LLM_MODEL");
    }

    @Test
    void theEnvironmentNamesTheModel() {
        assertThat(LanguageModelQueries.fromEnvironment(java.util.Map.of())).isEmpty();
        assertThat(LanguageModelQueries.fromEnvironment(java.util.Map.of("TRAINSCOPE_LLM_URL", "http://127.0.0.1:1/v1")))
                .isPresent();
    }
}
