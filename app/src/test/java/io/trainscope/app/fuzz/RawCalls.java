package io.trainscope.app.fuzz;

import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.InvalidProtocolBufferException;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.Metadata;
import io.grpc.Status;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Sends bytes to an RPC over a real gRPC channel, however many messages the client chooses, and
 * tells how the server answered. A streaming call counts as answered at its first message and is
 * then cancelled by the client.
 */
final class RawCalls {

    /** The statuses a server may answer a hostile request with: each says what went wrong. */
    static final Set<Status.Code> SPECIFIC = EnumSet.of(Status.Code.OK, Status.Code.INVALID_ARGUMENT,
            Status.Code.NOT_FOUND, Status.Code.ALREADY_EXISTS, Status.Code.FAILED_PRECONDITION,
            Status.Code.RESOURCE_EXHAUSTED, Status.Code.ABORTED, Status.Code.OUT_OF_RANGE, Status.Code.UNIMPLEMENTED,
            Status.Code.PERMISSION_DENIED, Status.Code.UNAUTHENTICATED);

    /**
     * How one call ended: its status and, for an answer with a {@code success} (or {@code ok})
     * field, that field; a streaming call that sent a first message is OK.
     */
    record Answer(ServedMethods.Rpc rpc, Status.Code code, String description, Optional<Boolean> success, long nanos) {
        boolean specific() {
            return SPECIFIC.contains(code);
        }

        /** Refused: a non-OK status, or OK with success=false. */
        boolean refused() {
            return code != Status.Code.OK || success.equals(Optional.of(false));
        }

        @Override
        public String toString() {
            return rpc.name() + " -> " + code + (description == null ? "" : " (" + description + ")")
                    + success.map(s -> " success=" + s).orElse("");
        }
    }

    private RawCalls() {}

    /** Sends {@code messages} (then half-closes unless {@code keepOpen}) and completes when the server has answered. */
    static CompletableFuture<Answer> call(Channel channel, ServedMethods.Rpc rpc, List<byte[]> messages, boolean keepOpen,
            Duration deadline) {
        CompletableFuture<Answer> answer = new CompletableFuture<>();
        long start = System.nanoTime();
        ClientCall<byte[], byte[]> call = channel.newCall(rpc.wire(),
                CallOptions.DEFAULT.withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS));
        call.start(new ClientCall.Listener<>() {
            private byte[] response;

            @Override
            public void onMessage(byte[] message) {
                response = message;
                if (rpc.serverStreaming()) {
                    answer.complete(new Answer(rpc, Status.Code.OK, null, Optional.empty(), System.nanoTime() - start));
                    call.cancel("the fuzz client has its answer", null);
                }
            }

            @Override
            public void onClose(Status status, Metadata trailers) {
                try {
                    Optional<Boolean> success = status.isOk() && response != null ? successField(rpc, response)
                            : Optional.empty();
                    answer.complete(new Answer(rpc, status.getCode(), status.getDescription(), success,
                            System.nanoTime() - start));
                } catch (RuntimeException | AssertionError e) {
                    answer.completeExceptionally(e);
                }
            }
        }, new Metadata());
        call.request(2);
        try {
            for (byte[] message : messages) {
                call.sendMessage(message);
            }
            if (!keepOpen) {
                call.halfClose();
            }
        } catch (IllegalStateException e) {
            // The server answered (and the client cancelled) before the client had sent everything.
        }
        return answer;
    }

    private static Optional<Boolean> successField(ServedMethods.Rpc rpc, byte[] response) {
        try {
            DynamicMessage message = DynamicMessage.parseFrom(rpc.proto().getOutputType(), response);
            for (String name : List.of("success", "ok")) {
                FieldDescriptor field = rpc.proto().getOutputType().findFieldByName(name);
                if (field != null && field.getJavaType() == FieldDescriptor.JavaType.BOOLEAN) {
                    return Optional.of((Boolean) message.getField(field));
                }
            }
            return Optional.empty();
        } catch (InvalidProtocolBufferException e) {
            throw new AssertionError(rpc.name() + " answered bytes that are not its response type", e);
        }
    }
}
