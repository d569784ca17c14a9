package io.trainscope.app.fuzz;

import com.google.protobuf.DynamicMessage;
import com.google.protobuf.TextFormat;
import io.trainscope.app.fuzz.property.Gen;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * One fuzz call over a real gRPC channel: the RPC, the messages sent, whether the client keeps its
 * side open, and the message meant (none for garbled bytes). Never a STOP control, which would end
 * the run the other properties need.
 */
record FuzzCall(ServedMethods.Rpc rpc, List<byte[]> messages, boolean keepOpen, DynamicMessage meant) {

    /** Well-formed requests to any RPC, fields set at random, aimed at what the server {@code known}s now. */
    static Gen<FuzzCall> randomRequests(Supplier<RandomRequests.Known> known) {
        Gen<FuzzCall> calls = random -> {
            ServedMethods.Rpc rpc = anyRpc(random);
            DynamicMessage message = new RandomRequests(random, known.get()).message(rpc.proto().getInputType());
            return of(rpc, messages(random, rpc, message.toByteArray()), random, message);
        };
        return calls.filter(call -> !call.wouldStop());
    }

    /** Bytes that are almost, or not at all, the RPC's request; now and then a well-formed request of another RPC. */
    static Gen<FuzzCall> garbledBytes(Supplier<RandomRequests.Known> known) {
        Gen<FuzzCall> calls = random -> {
            ServedMethods.Rpc rpc = anyRpc(random);
            ServedMethods.Rpc typeOf = random.nextInt(5) == 0 ? anyRpc(random) : rpc;
            RandomRequests requests = new RandomRequests(random, known.get());
            byte[] bytes = random.nextInt(5) == 0 ? requests.message(typeOf.proto().getInputType()).toByteArray()
                    : requests.garbled(typeOf.proto().getInputType());
            return of(rpc, messages(random, rpc, bytes), random, null);
        };
        return calls.filter(call -> !call.wouldStop());
    }

    /** Sends the call; completes when the server has answered (a stream: at its first message). */
    CompletableFuture<RawCalls.Answer> send(FuzzedServer server, Duration deadline) {
        return RawCalls.call(server.fuzzChannel(), rpc, messages, keepOpen, deadline);
    }

    String describe() {
        String text = rpc.name() + ", " + messages.size() + " message(s)" + (keepOpen ? ", kept open" : "") + ": "
                + (meant != null ? TextFormat.shortDebugString(meant) : messages.isEmpty() ? "" : garbled(messages.get(0)));
        return text.length() > 400 ? text.substring(0, 400) + "..." : text;
    }

    private static String garbled(byte[] bytes) {
        return bytes.length + " garbled bytes, hex " + HexFormat.of().formatHex(bytes, 0, Math.min(bytes.length, 64))
                + (bytes.length > 64 ? "..." : "");
    }

    private boolean wouldStop() {
        return messages.stream().anyMatch(m -> FuzzedServer.wouldStop(rpc, m));
    }

    private static FuzzCall of(ServedMethods.Rpc rpc, List<byte[]> messages, Random random, DynamicMessage meant) {
        return new FuzzCall(rpc, messages, rpc.clientStreaming() && random.nextBoolean(), meant);
    }

    private static ServedMethods.Rpc anyRpc(Random random) {
        return ServedMethods.ALL.get(random.nextInt(ServedMethods.ALL.size()));
    }

    /** Usually one message; a unary call now and then gets none or two, a client stream up to four. */
    private static List<byte[]> messages(Random random, ServedMethods.Rpc rpc, byte[] first) {
        if (rpc.clientStreaming()) {
            List<byte[]> out = new ArrayList<>(List.of(first));
            for (int i = random.nextInt(4); i > 0; i--) {
                out.add(first);
            }
            return out;
        }
        return switch (random.nextInt(25)) {
            case 0 -> List.of();
            case 1 -> List.of(first, first);
            default -> List.of(first);
        };
    }
}
