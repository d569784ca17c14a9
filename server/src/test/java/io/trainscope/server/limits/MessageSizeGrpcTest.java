package io.trainscope.server.limits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.trainscope.proto.weightslab.DataEditsRequest;
import io.trainscope.proto.weightslab.ExperimentServiceGrpc;
import io.trainscope.server.ServedExperiment;
import io.trainscope.server.ServerSettings;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A request larger than GRPC_MAX_MESSAGE_BYTES (here 64 KiB) gets RESOURCE_EXHAUSTED; a smaller one is served. */
class MessageSizeGrpcTest {

    private static final int LIMIT = 64 * 1024;

    @TempDir
    static Path run;
    private static ServedExperiment served;

    @BeforeAll
    static void serve() {
        served = ServedExperiment.start(run, ServerSettings.loopback().withMaxMessageBytes(LIMIT));
    }

    @AfterAll
    static void stop() throws InterruptedException {
        served.close();
        served = null; // the class stays loaded after its tests: let the closed experiment go
    }

    @Test
    void aRequestOverTheLimitIsRefusedWithResourceExhausted() {
        DataEditsRequest big = editOf(LIMIT / 4); // four bytes per id: "12" plus its tag and length

        assertThat(big.getSerializedSize()).isGreaterThan(LIMIT);
        assertThatThrownBy(() -> stub().editDataSample(big)).isInstanceOfSatisfying(StatusRuntimeException.class,
                e -> assertThat(e.getStatus().getCode()).as(e.getStatus().toString()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED));
    }

    @Test
    void aJsonRequestOverTheLimitIsRefusedWithResourceExhausted() throws Exception {
        String ids = String.join(",", Collections.nCopies(LIMIT / 4, "\"12\""));
        HttpResponse<String> reply = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + served.port() + "/ExperimentService/EditDataSample"))
                .timeout(Duration.ofSeconds(30)).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"statName\":\"tag\",\"stringValue\":\"big\","
                        + "\"sampleOrigins\":[\"train\"],\"samplesIds\":[" + ids + "]}")).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(reply.statusCode()).isEqualTo(429);
        assertThat(reply.body()).contains("RESOURCE_EXHAUSTED");
    }

    @Test
    void aJsonBodyOverTwiceTheLimitIsRefusedBeforeItIsParsed() throws Exception {
        String ids = String.join(",", Collections.nCopies(LIMIT, "\"12\"")); // 5 bytes an id: 5 × the limit
        HttpResponse<String> reply = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + served.port() + "/ExperimentService/EditDataSample"))
                .timeout(Duration.ofSeconds(30)).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"statName\":\"tag\",\"stringValue\":\"big\","
                        + "\"sampleOrigins\":[\"train\"],\"samplesIds\":[" + ids + "]}")).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(reply.statusCode()).isEqualTo(413);
    }

    @Test
    void aRequestUnderTheLimitIsServed() {
        DataEditsRequest small = editOf(LIMIT / 8);

        assertThat(small.getSerializedSize()).isLessThan(LIMIT);
        assertThat(stub().editDataSample(small).getSuccess()).isTrue();
    }

    private static ExperimentServiceGrpc.ExperimentServiceBlockingStub stub() {
        return ExperimentServiceGrpc.newBlockingStub(served.channel()).withDeadlineAfter(30, TimeUnit.SECONDS);
    }

    private static DataEditsRequest editOf(int ids) {
        return DataEditsRequest.newBuilder().setStatName("tag").setStringValue("big")
                .addAllSamplesIds(Collections.nCopies(ids, "12")).addSampleOrigins("train").build();
    }
}
