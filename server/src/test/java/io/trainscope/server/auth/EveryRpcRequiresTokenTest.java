package io.trainscope.server.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServiceDescriptor;
import io.grpc.Status;
import io.trainscope.proto.weightslab.DataEditsRequest;
import io.trainscope.proto.weightslab.DataEditsResponse;
import io.trainscope.proto.weightslab.ExperimentServiceGrpc;
import io.trainscope.server.RawBytesMethods;
import io.trainscope.server.ServedExperiment;
import io.trainscope.server.ServerSettings;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * With tokens set, every method of every service the server serves (read from the services'
 * descriptors) refuses a call without a token, or with a wrong one, with UNAUTHENTICATED over
 * native gRPC, gRPC-Web and JSON, streams included; the right token works on each transport;
 * the audit log names the token, and no log shows a token's value.
 */
class EveryRpcRequiresTokenTest {

    private static final String ALICE_TOKEN = "alice-s3cret-7f1c";
    private static final String WRONG_TOKEN = "wrong-s3cret-93ab";

    @TempDir
    static Path run;
    private static ServedExperiment served;
    private static final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private static final ByteArrayOutputStream logs = new ByteArrayOutputStream();
    private static PrintStream originalErr;
    private static PrintStream originalOut;

    @BeforeAll
    static void serveWithTokens() {
        originalErr = System.err;
        originalOut = System.out;
        System.setErr(new PrintStream(new Tee(originalErr, logs), true, StandardCharsets.UTF_8));
        System.setOut(new PrintStream(new Tee(originalOut, logs), true, StandardCharsets.UTF_8));
        // Every call that passes is logged with its arguments (slower than 1 ns), so the logs have something to show.
        served = ServedExperiment.start(run, ServerSettings.loopback().withSlowCallThreshold(Duration.ofNanos(1))
                .withTokens(AccessTokens.fromEnvironment(java.util.Map.of("GRPC_AUTH_TOKENS",
                        "alice=" + ALICE_TOKEN + ",bob=another-one"))));
    }

    @AfterAll
    static void stop() throws InterruptedException {
        served.close();
        served = null; // the class stays loaded after its tests: let the closed experiment go
        System.setErr(originalErr);
        System.setOut(originalOut);
    }

    @Test
    void everyMethodIsFoundInTheServedDescriptorsStreamsIncluded() {
        assertThat(methods()).extracting(MethodDescriptor::getFullMethodName).contains(
                "trainscope.v1.MetricsService/Subscribe", "trainscope.v1.MetricsService/StreamMetrics",
                "ExperimentService/ApplyDataQuery", "grpc.reflection.v1.ServerReflection/ServerReflectionInfo");
        assertThat(methods()).hasSizeGreaterThan(30);
        assertThat(served.server.services()).extracting(ServiceDescriptor::getName).contains("ExperimentService",
                "trainscope.v1.MetricsService", "grpc.reflection.v1.ServerReflection");
    }

    @Test
    void overNativeGrpcEveryMethodWithoutOrWithAWrongTokenIsUnauthenticated() throws Exception {
        List<String> answers = new ArrayList<>();
        for (MethodDescriptor<?, ?> method : methods()) {
            for (Optional<String> token : List.of(Optional.<String>empty(), Optional.of(WRONG_TOKEN))) {
                Status status = callNative(method, token);
                answers.add(method.getFullMethodName() + " " + status.getCode() + " " + status.getDescription());
            }
        }
        assertThat(answers).hasSize(2 * methods().size()).allSatisfy(answer -> assertThat(answer)
                .endsWith(" UNAUTHENTICATED " + TokenAuthDecorator.REFUSAL));
    }

    @Test
    void overGrpcWebEveryMethodWithoutOrWithAWrongTokenIsUnauthenticated() throws Exception {
        List<String> answers = new ArrayList<>();
        for (MethodDescriptor<?, ?> method : methods()) {
            for (Optional<String> token : List.of(Optional.<String>empty(), Optional.of(WRONG_TOKEN))) {
                answers.add(method.getFullMethodName() + " grpc-status " + grpcWebStatus(postGrpcWeb(method, token)));
            }
        }
        assertThat(answers).hasSize(2 * methods().size()).allSatisfy(answer -> assertThat(answer)
                .endsWith(" grpc-status 16"));
    }

    @Test
    void overJsonEveryMethodWithoutOrWithAWrongTokenIsUnauthenticated() throws Exception {
        List<String> answers = new ArrayList<>();
        for (MethodDescriptor<?, ?> method : methods()) {
            for (Optional<String> token : List.of(Optional.<String>empty(), Optional.of(WRONG_TOKEN))) {
                HttpResponse<String> reply = postJson(method.getFullMethodName(), token);
                answers.add(method.getFullMethodName() + " " + reply.statusCode() + " "
                        + reply.headers().firstValue("grpc-status").orElse("-") + " " + reply.body());
            }
        }
        assertThat(answers).hasSize(2 * methods().size()).allSatisfy(answer -> assertThat(answer)
                .contains(" 401 16 ").contains("\"grpc-code\":\"UNAUTHENTICATED\""));
    }

    @Test
    void withTheRightTokenACallSucceedsOnEachTransport() throws Exception {
        MethodDescriptor<?, ?> register = method("trainscope.v1.MetricsService/RegisterTrainingSession");

        assertThat(callNative(register, Optional.of(ALICE_TOKEN)).getCode()).isEqualTo(Status.Code.OK);
        assertThat(grpcWebStatus(postGrpcWeb(register, Optional.of(ALICE_TOKEN)))).isEqualTo("0");
        HttpResponse<String> json = postJson(register.getFullMethodName(), Optional.of(ALICE_TOKEN));
        assertThat(json.statusCode()).isEqualTo(200);
        assertThat(json.body()).contains("\"instanceId\"");
    }

    @Test
    void theAuditLogNamesTheCallersTokenAndNoLogShowsATokensValue() throws Exception {
        Metadata headers = new Metadata();
        headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + ALICE_TOKEN);
        DataEditsResponse edit = ExperimentServiceGrpc.newBlockingStub(served.channel())
                .withInterceptors(io.grpc.stub.MetadataUtils.newAttachHeadersInterceptor(headers))
                .withDeadlineAfter(30, TimeUnit.SECONDS)
                .editDataSample(DataEditsRequest.newBuilder().setStatName("__register_tag__").setStringValue("hard")
                        .build());
        callNative(method("ExperimentService/GetEvaluationStatus"), Optional.of(WRONG_TOKEN));
        postJson("trainscope.v1.MetricsService/RegisterTrainingSession", Optional.of(ALICE_TOKEN));

        assertThat(edit.getSuccess()).as(edit.getMessage()).isTrue();
        String audit = Files.readString(served.experiment.audit().file());
        assertThat(audit).contains("\"action\":\"data_edit\"").containsPattern("\"caller\":\"alice@/127\\.0\\.0\\.1:\\d+\"");
        String logged = logs.toString(StandardCharsets.UTF_8);
        assertThat(logged).as("the capture sees the server's logs").contains("Slow RPC ExperimentService/EditDataSample");
        assertThat(logged + audit).doesNotContain(ALICE_TOKEN).doesNotContain(WRONG_TOKEN)
                .doesNotContain("another-one");
    }

    private static List<MethodDescriptor<?, ?>> methods() {
        return served.server.services().stream().flatMap(s -> s.getMethods().stream())
                .<MethodDescriptor<?, ?>>map(m -> m).toList();
    }

    private static MethodDescriptor<?, ?> method(String fullName) {
        return methods().stream().filter(m -> m.getFullMethodName().equals(fullName)).findFirst().orElseThrow();
    }

    /** One empty message, whatever the method's kind, then half-close; the status the call closes with. */
    private static Status callNative(MethodDescriptor<?, ?> method, Optional<String> token) throws Exception {
        MethodDescriptor<byte[], byte[]> raw = RawBytesMethods.method(method.getFullMethodName(), method.getType());
        ClientCall<byte[], byte[]> call = served.channel().newCall(raw, CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS));
        CompletableFuture<Status> closed = new CompletableFuture<>();
        Metadata headers = new Metadata();
        token.ifPresent(t -> headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + t));
        call.start(new ClientCall.Listener<>() {
            @Override
            public void onClose(Status status, Metadata trailers) {
                closed.complete(status);
            }
        }, headers);
        call.request(1);
        call.sendMessage(new byte[0]);
        call.halfClose();
        Status status = closed.get(15, TimeUnit.SECONDS);
        if (status.getCode() == Status.Code.OK || !method.getType().serverSendsOneMessage()) {
            call.cancel("done", null); // a stream that was let in would otherwise run on
        }
        return status;
    }

    /** A binary gRPC-Web call as a browser makes it: one framed empty message. */
    private static HttpResponse<byte[]> postGrpcWeb(MethodDescriptor<?, ?> method, Optional<String> token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(method.getFullMethodName()))
                .timeout(Duration.ofSeconds(15)).header("content-type", "application/grpc-web+proto")
                .header("x-grpc-web", "1").header("grpc-timeout", "10S")
                .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[] {0, 0, 0, 0, 0}));
        token.ifPresent(t -> request.header("authorization", "Bearer " + t));
        return http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    /** The grpc-status of a gRPC-Web reply: in its headers (trailers-only) or in its trailer frame. */
    private static String grpcWebStatus(HttpResponse<byte[]> reply) {
        Optional<String> inHeaders = reply.headers().firstValue("grpc-status");
        if (inHeaders.isPresent()) {
            return inHeaders.get();
        }
        byte[] body = reply.body();
        for (int at = 0; at + 5 <= body.length; ) {
            int length = ((body[at + 1] & 0xff) << 24) | ((body[at + 2] & 0xff) << 16) | ((body[at + 3] & 0xff) << 8)
                    | (body[at + 4] & 0xff);
            if ((body[at] & 0x80) != 0) {
                String trailers = new String(body, at + 5, length, StandardCharsets.US_ASCII);
                return Stream.of(trailers.split("\r\n")).filter(l -> l.startsWith("grpc-status:"))
                        .map(l -> l.substring("grpc-status:".length()).trim()).findFirst().orElse("none");
            }
            at += 5 + length;
        }
        return "none (HTTP " + reply.statusCode() + ")";
    }

    private static HttpResponse<String> postJson(String fullMethodName, Optional<String> token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(fullMethodName)).timeout(Duration.ofSeconds(15))
                .header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{}"));
        token.ifPresent(t -> request.header("authorization", "Bearer " + t));
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static URI uri(String fullMethodName) {
        return URI.create("http://127.0.0.1:" + served.port() + "/" + fullMethodName);
    }

    /** Writes to the console and to the capture. */
    private static final class Tee extends java.io.OutputStream {
        private final PrintStream console;
        private final ByteArrayOutputStream capture;

        Tee(PrintStream console, ByteArrayOutputStream capture) {
            this.console = console;
            this.capture = capture;
        }

        @Override
        public void write(int b) {
            console.write(b);
            synchronized (capture) {
                capture.write(b);
            }
        }

        @Override
        public void write(byte[] b, int off, int len) {
            console.write(b, off, len);
            synchronized (capture) {
                capture.write(b, off, len);
            }
        }
    }
}
