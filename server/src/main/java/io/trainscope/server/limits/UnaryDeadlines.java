package io.trainscope.server.limits;

import com.linecorp.armeria.common.grpc.GrpcExceptionHandlerFunction;
import com.linecorp.armeria.common.util.TimeoutMode;
import com.linecorp.armeria.server.RequestTimeoutException;
import com.linecorp.armeria.server.ServiceRequestContext;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor.MethodType;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.time.Duration;

/**
 * Gives every unary call without a {@code grpc-timeout} of its own the server's deadline; when
 * it passes, the caller gets DEADLINE_EXCEEDED. Streams get none: Armeria clears its request
 * timeout for a framed call without {@code grpc-timeout} (gRPC's "no deadline"), and a
 * {@code Subscribe} or {@code StreamMetrics} lasts as long as its client wants. A client's own
 * deadline always wins, longer or shorter (seed 000 advises 5 minutes for long operations).
 */
public final class UnaryDeadlines implements ServerInterceptor {

    private static final String GRPC_TIMEOUT = "grpc-timeout";

    private final Duration deadline;

    public UnaryDeadlines(Duration deadline) {
        this.deadline = deadline;
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        ServiceRequestContext ctx = ServiceRequestContext.currentOrNull();
        if (ctx != null && call.getMethodDescriptor().getType() == MethodType.UNARY
                && !ctx.request().headers().contains(GRPC_TIMEOUT)) {
            ctx.setRequestTimeout(TimeoutMode.SET_FROM_START, deadline);
        }
        return next.startCall(call, headers);
    }

    /** Reports a passed deadline as DEADLINE_EXCEEDED (Armeria's own mapping says CANCELLED), saying whose it was. */
    public GrpcExceptionHandlerFunction asDeadlineExceeded() {
        return (ctx, status, cause, metadata) -> {
            if (!(cause instanceof RequestTimeoutException)) {
                return null; // not ours: the next handler, or Armeria's mapping
            }
            boolean clients = ctx instanceof ServiceRequestContext sctx && sctx.request().headers().contains(GRPC_TIMEOUT);
            return Status.DEADLINE_EXCEEDED.withDescription(clients ? "The call's deadline (grpc-timeout) passed"
                    : "The server's deadline of " + deadline.toMillis() / 1000.0 + " s for a call that sets none passed ("
                            + RpcLimits.DEADLINE_VARIABLE + "); set a longer deadline on the call for long operations");
        };
    }
}
