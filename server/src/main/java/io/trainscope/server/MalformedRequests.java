package io.trainscope.server;

import com.linecorp.armeria.common.RequestContext;
import com.linecorp.armeria.common.grpc.GrpcExceptionHandlerFunction;
import com.linecorp.armeria.common.stream.ClosedStreamException;
import io.grpc.ForwardingServerCall;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.util.Set;

/**
 * Says INVALID_ARGUMENT, with what is wrong, where Armeria and grpc-java answer a request they
 * could not read with UNKNOWN or INTERNAL: bytes that are not the method's message, a truncated
 * or broken gRPC frame, gRPC-Web text that is not base64, JSON that does not parse, or a unary
 * call without exactly one request message. UNKNOWN or INTERNAL would tell the client that the
 * server is broken; here the request is.
 *
 * <p>A failure thrown by our own code is left alone: it is a bug to fix, not the client's fault.
 */
final class MalformedRequests implements GrpcExceptionHandlerFunction {

    /** What grpc-java's unary handler closes the call with (io.grpc.stub.ServerCalls). */
    private static final Set<String> MESSAGE_COUNT = Set.of("Half-closed without a request", "Too many requests");
    private static final int MAX_DESCRIPTION = 1_000;
    private static final String OUR_CODE = "io.trainscope.";
    private static final String OUR_MESSAGES = "io.trainscope.proto.";
    private static final String ARMERIA_GRPC_SERVER = "com.linecorp.armeria.server.grpc.";
    private static final String ARMERIA_GRPC_SERVER_INTERNALS = "com.linecorp.armeria.internal.server.grpc.";

    @Override
    public Status apply(RequestContext ctx, Status status, Throwable cause, Metadata metadata) {
        Status.Code code = status.getCode();
        if ((code != Status.Code.UNKNOWN && code != Status.Code.INTERNAL) || cause == null) {
            return null;
        }
        if (cause instanceof ClosedStreamException) {
            return Status.CANCELLED.withDescription("The client closed the stream").withCause(cause);
        }
        if (thrownByOurCode(cause)) {
            return null;
        }
        String what = status.getDescription() != null ? status.getDescription() : String.valueOf(cause.getMessage());
        return Status.INVALID_ARGUMENT.withDescription(bounded("The request to " + ctx.path() + " could not be read: " + what))
                .withCause(cause);
    }

    /**
     * Rewrites grpc-java's INTERNAL for a unary call with no request message, or with two; and cuts
     * every status description to {@value #MAX_DESCRIPTION} bytes as sent, since it travels in HTTP/2
     * trailers that clients cap at a few KB (a longer one resets the stream) and may echo what the
     * client sent.
     */
    static ServerInterceptor interceptor() {
        return new ServerInterceptor() {
            @Override
            public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                    ServerCallHandler<Q, R> next) {
                return next.startCall(new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
                    @Override
                    public void close(Status status, Metadata trailers) {
                        if (status.getCode() == Status.Code.INTERNAL && MESSAGE_COUNT.contains(status.getDescription())) {
                            status = Status.INVALID_ARGUMENT.withDescription(call.getMethodDescriptor().getFullMethodName()
                                    + " takes exactly one request message (" + status.getDescription() + ")");
                        }
                        String description = status.getDescription();
                        String cut = description == null ? null : bounded(description);
                        if (cut != description) {
                            status = status.withDescription(cut);
                        }
                        super.close(status, trailers);
                    }
                }, headers);
            }
        };
    }

    /**
     * {@code description} cut so that, percent-encoded as grpc-message (three bytes for each UTF-8
     * byte outside printable ASCII), it takes at most about {@value #MAX_DESCRIPTION} bytes: a cut
     * by characters let 1,000 Japanese characters grow to 9,000 bytes, past what clients accept.
     */
    static String bounded(String description) {
        int encoded = 0;
        for (int i = 0; i < description.length(); i += Character.charCount(description.codePointAt(i))) {
            int c = description.codePointAt(i);
            encoded += c >= ' ' && c <= '~' && c != '%' ? 1 : 3 * (c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4);
            if (encoded > MAX_DESCRIPTION) {
                return description.substring(0, i) + "... (" + description.length() + " characters)";
            }
        }
        return description;
    }

    /**
     * Whether one of our classes threw {@code cause}: only the frames above the one where Armeria
     * hands the request to its gRPC call count, since our decorators (PerMessageLimit, auth) sit
     * below it as callers whenever a request's body has arrived by the time they are served.
     */
    private static boolean thrownByOurCode(Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause() == t ? null : t.getCause()) {
            for (StackTraceElement frame : t.getStackTrace()) {
                String name = frame.getClassName();
                if (name.startsWith(ARMERIA_GRPC_SERVER) || name.startsWith(ARMERIA_GRPC_SERVER_INTERNALS)) {
                    break;
                }
                if (name.startsWith(OUR_CODE) && !name.startsWith(OUR_MESSAGES)) {
                    return true;
                }
            }
        }
        return false;
    }
}
