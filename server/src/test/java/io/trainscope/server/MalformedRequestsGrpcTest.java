package io.trainscope.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.CallOptions;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import io.trainscope.proto.weightslab.ActivationRequest;
import io.trainscope.proto.weightslab.ExperimentServiceGrpc;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A request the server cannot read is the client's fault, answered INVALID_ARGUMENT, also when
 * the whole body has arrived before the decorators in front of the gRPC services have run (they
 * are then on the stack of the failed parse, as callers); and a status description, in any
 * script, stays short enough for a client to read it.
 */
class MalformedRequestsGrpcTest {

    @TempDir
    static Path run;
    private static ServedExperiment served;

    @BeforeAll
    static void serve() {
        served = ServedExperiment.start(run, ServerSettings.loopback());
    }

    @AfterAll
    static void stop() throws InterruptedException {
        served.close();
        served = null; // the class stays loaded after its tests: let the closed experiment go
    }

    @Test
    void aStringFieldThatIsNotUtf8IsInvalidArgument() {
        byte[] column = {0x0a, 3, (byte) 0xc3, 0x28, (byte) 0xff}; // field 1, three bytes that are not UTF-8

        for (int i = 0; i < 20; i++) { // every time, whether the body came with the headers or after
            assertThatThrownBy(() -> ClientCalls.blockingUnaryCall(served.channel(), GET_HISTOGRAM,
                    CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS), column))
                    .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                        assertThat(e.getStatus().getCode()).as(e.getStatus().toString())
                                .isEqualTo(Status.Code.INVALID_ARGUMENT);
                        assertThat(e.getStatus().getDescription()).contains("could not be read");
                    });
        }
    }

    @Test
    void anEmptyJsonBodyIsInvalidArgument() throws Exception {
        HttpResponse<String> reply = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + served.port() + "/trainscope.v1.MetricsService/GetAuditLog"))
                .timeout(Duration.ofSeconds(10)).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(reply.statusCode()).as(reply.body()).isEqualTo(400);
        assertThat(reply.headers().firstValue("grpc-status")).hasValue("3");
    }

    @Test
    void aLongDescriptionInAnyScriptReachesTheClientCut() {
        String sampleId = "日本語のタグ".repeat(500); // echoed in the description: 9,000 bytes once percent-encoded

        assertThatThrownBy(() -> ExperimentServiceGrpc.newBlockingStub(served.channel()).withDeadlineAfter(10, TimeUnit.SECONDS)
                .getActivations(ActivationRequest.newBuilder().setSampleId(sampleId).build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).as(e.getStatus().toString()).isEqualTo(Status.Code.INVALID_ARGUMENT);
                    assertThat(e.getStatus().getDescription()).startsWith("sample_id must be")
                            .endsWith("(" + ("sample_id must be a sample's number, not ''".length() + sampleId.length())
                                    + " characters)");
                });
    }

    private static final MethodDescriptor<byte[], byte[]> GET_HISTOGRAM = RawBytesMethods.method(
            ExperimentServiceGrpc.getGetHistogramMethod().getFullMethodName(), MethodDescriptor.MethodType.UNARY);
}
