package io.trainscope.app.fuzz;

import com.linecorp.armeria.client.WebClient;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpData;
import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.RequestHeaders;
import com.linecorp.armeria.common.RequestHeadersBuilder;
import io.trainscope.app.fuzz.property.Gen;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * HTTP/2 requests to the gRPC port that no gRPC library would send: bad length prefixes, a
 * compressed flag without an encoding, two messages for a unary call, unknown content types,
 * gRPC-Web text that is not base64, garbage timeouts. Sent with Armeria's own client, straight.
 */
final class MalformedFrames {

    /** How the server answered one request: HTTP status and the grpc-status it gave, if any. */
    record Reply(String request, int httpStatus, String grpcStatus, String grpcMessage) {
        /**
         * An answer that names the problem: no 5xx (but 501 for UNIMPLEMENTED, and 504 for a deadline the
         * request itself set), no UNKNOWN (2) or INTERNAL (13).
         */
        boolean specific() {
            // Armeria answers an unframed call with the HTTP status its gRPC status maps to: UNIMPLEMENTED
            // is 501, and DEADLINE_EXCEEDED (a "1m" or "0n" grpc-timeout that ran out) is 504.
            boolean unimplemented = httpStatus == 501 && "12".equals(grpcStatus);
            boolean deadlineExceeded = httpStatus == 504 && "4".equals(grpcStatus) && request.contains("grpc-timeout");
            return (httpStatus < 500 || unimplemented || deadlineExceeded) && !"2".equals(grpcStatus)
                    && !"13".equals(grpcStatus);
        }
    }

    private static final List<String> CONTENT_TYPES = List.of("application/grpc", "application/grpc+proto",
            "application/grpc-web", "application/grpc-web+proto", "application/grpc-web-text", "application/json",
            "application/protobuf", "application/x-protobuf", "text/plain", "application/grpc+json", "application/grpc+thrift",
            "multipart/form-data; boundary=x");

    /** One request as it goes on the wire: path, headers and body, and how it was made, for a report. */
    record Frame(ServedMethods.Rpc rpc, RequestHeaders headers, byte[] body, String described) {
        @Override
        public String toString() {
            return described;
        }
    }

    private final WebClient client;

    /** A client for the server on {@code port}, shared by every frame sent. */
    MalformedFrames(int port) {
        this.client = WebClient.builder("h2c://127.0.0.1:" + port).responseTimeout(Duration.ofSeconds(20))
                .maxResponseLength(64 * 1024 * 1024).build();
    }

    /** Frames of any content type, damaged one way or another, around requests well-formed or garbled. */
    static Gen<Frame> frames(Supplier<RandomRequests.Known> known) {
        return random -> {
            RandomRequests requests = new RandomRequests(random, known.get());
            ServedMethods.Rpc rpc;
            byte[] message;
            do {
                rpc = ServedMethods.ALL.get(random.nextInt(ServedMethods.ALL.size()));
                message = random.nextBoolean() ? requests.message(rpc.proto().getInputType()).toByteArray()
                        : requests.garbled(rpc.proto().getInputType());
            } while (mayStop(rpc, message));
            return damaged(random, rpc, message);
        };
    }

    /**
     * Whether the server may read a STOP control from a frame around {@code message}: the message
     * itself, or the message cut by one byte that a frame announcing one byte less hands it (bytes
     * that do not parse whole may parse cut).
     */
    private static boolean mayStop(ServedMethods.Rpc rpc, byte[] message) {
        return FuzzedServer.wouldStop(rpc, message)
                || message.length > 0 && FuzzedServer.wouldStop(rpc, java.util.Arrays.copyOf(message, message.length - 1));
    }

    private static Frame damaged(Random random, ServedMethods.Rpc rpc, byte[] message) {
        String contentType = CONTENT_TYPES.get(random.nextInt(CONTENT_TYPES.size()));
        RequestHeadersBuilder headers = RequestHeaders.builder(HttpMethod.POST, "/" + rpc.name())
                .contentType(MediaType.parse(contentType)).add("te", "trailers");
        String oddity = "";
        switch (random.nextInt(6)) {
            case 0 -> {
                oddity = "grpc-encoding";
                headers.add("grpc-encoding", random.nextBoolean() ? "gzip" : "zstd-nonsense");
            }
            case 1 -> {
                oddity = "grpc-timeout";
                headers.add("grpc-timeout", List.of("abc", "99999999999H", "-1S", "0n", "1m").get(random.nextInt(5)));
            }
            default -> { }
        }
        int damage = random.nextInt(8);
        byte[] body = body(random, damage, message);
        if (contentType.equals("application/grpc-web-text")) {
            body = random.nextBoolean() ? Base64.getEncoder().encode(body)
                    : (new String(body, StandardCharsets.ISO_8859_1) + "!*").getBytes(StandardCharsets.ISO_8859_1);
        }
        String described = rpc.name() + " " + contentType + " " + oddity + " frame damage " + damage + ", " + body.length
                + " bytes";
        return new Frame(rpc, headers.build(), body, described);
    }

    CompletableFuture<Reply> send(Frame frame) {
        String described = frame.described();
        HttpResponse response = client.execute(HttpRequest.of(frame.headers(), HttpData.wrap(frame.body())));
        if (frame.rpc().serverStreaming()) {
            // A stream that starts never ends: its headers tell whether it was refused (trailers-only) or started.
            return response.split().headers().thenApply(h -> {
                response.abort();
                return new Reply(described, h.status().code(), h.get("grpc-status"), h.get("grpc-message"));
            }).exceptionally(error -> new Reply(described + " failed: " + error, 599, null, null));
        }
        return response.aggregate()
                .thenApply(aggregated -> reply(described, aggregated))
                .exceptionally(error -> new Reply(described + " failed: " + error, 599, null, null));
    }

    /** A gRPC frame (flag, length, message) damaged one way or another. */
    private static byte[] body(Random random, int damage, byte[] message) {
        return switch (damage) {
            case 0 -> OddValues.bytes(random, 4); // shorter than a frame header
            case 1 -> frame(0, message.length + 1 + random.nextInt(1000), message); // says more than it holds
            case 2 -> frame(0, Math.max(0, message.length - 1), message); // a tail after the frame
            case 3 -> frame(1, message.length, message); // compressed, with no encoding
            case 4 -> frame(random.nextInt(256), message.length, message); // any flag byte
            case 5 -> frame(0, Integer.MAX_VALUE, message); // 2 GB announced
            case 6 -> concat(frame(0, message.length, message), frame(0, message.length, message)); // two messages
            default -> frame(0, message.length, message);
        };
    }

    private static byte[] frame(int flag, int length, byte[] message) {
        return ByteBuffer.allocate(5 + message.length).put((byte) flag).putInt(length).put(message).array();
    }

    private static byte[] concat(byte[] a, byte[] b) {
        return ByteBuffer.allocate(a.length + b.length).put(a).put(b).array();
    }

    private static Reply reply(String request, AggregatedHttpResponse response) {
        String status = response.trailers().get("grpc-status");
        String message = response.trailers().get("grpc-message");
        if (status == null) {
            status = response.headers().get("grpc-status");
            message = response.headers().get("grpc-message");
        }
        String type = String.valueOf(response.headers().contentType());
        if (status == null && type.startsWith("application/grpc-web")) {
            byte[] body = response.content().array();
            if (type.startsWith("application/grpc-web-text")) {
                body = decodeChunks(new String(body, StandardCharsets.US_ASCII));
            }
            String trailers = webTrailers(body);
            status = field(trailers, "grpc-status");
            message = field(trailers, "grpc-message");
        }
        return new Reply(request, response.status().code(), status, message);
    }

    /** gRPC-Web text: base64 chunks, each padded on its own, one after the other. */
    private static byte[] decodeChunks(String text) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        java.util.regex.Matcher chunk = java.util.regex.Pattern.compile("[A-Za-z0-9+/]*=*").matcher(text);
        while (chunk.find()) {
            if (!chunk.group().isEmpty()) {
                out.writeBytes(Base64.getDecoder().decode(chunk.group()));
            }
        }
        return out.toByteArray();
    }

    /** gRPC-Web sends trailers in the body, as a frame whose flag has its top bit set. */
    private static String webTrailers(byte[] body) {
        ByteBuffer frames = ByteBuffer.wrap(body);
        while (frames.remaining() >= 5) {
            int flag = frames.get() & 0xff;
            int length = frames.getInt();
            if (length < 0 || length > frames.remaining()) {
                return "";
            }
            byte[] payload = new byte[length];
            frames.get(payload);
            if ((flag & 0x80) != 0) {
                return new String(payload, StandardCharsets.UTF_8);
            }
        }
        return "";
    }

    private static String field(String trailers, String name) {
        for (String line : trailers.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase(name)) {
                return line.substring(colon + 1).trim();
            }
        }
        return null;
    }
}
