package io.trainscope.server.watchdog;

import com.google.protobuf.MessageOrBuilder;
import com.google.protobuf.TextFormat;
import io.grpc.ForwardingServerCall;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs every unary RPC slower than a threshold (2 s by default) with its method and
 * arguments, and keeps the most recent ones for inspection. Streams are long by nature and
 * are not watched.
 */
public final class SlowCallWatchdog implements ServerInterceptor {

    private static final Logger log = LoggerFactory.getLogger(SlowCallWatchdog.class);
    private static final int KEPT = 100;
    private static final int MAX_ARGUMENT_CHARS = 500;

    private final long thresholdNanos;
    private final Deque<SlowCall> recent = new ArrayDeque<>();

    public SlowCallWatchdog(Duration threshold) {
        if (threshold.isNegative() || threshold.isZero()) {
            throw new IllegalArgumentException("threshold must be positive: " + threshold);
        }
        this.thresholdNanos = threshold.toNanos();
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        if (!call.getMethodDescriptor().getType().serverSendsOneMessage()) {
            return next.startCall(call, headers);
        }
        long start = System.nanoTime();
        Instant started = Instant.now();
        Object[] request = new Object[1];
        ServerCall<Q, R> timed = new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
            @Override
            public void close(Status status, Metadata trailers) {
                long elapsed = System.nanoTime() - start;
                if (elapsed > thresholdNanos) {
                    report(new SlowCall(started, call.getMethodDescriptor().getFullMethodName(), describe(request[0]),
                            elapsed / 1_000_000, status.getCode().name()));
                }
                super.close(status, trailers);
            }
        };
        return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(next.startCall(timed, headers)) {
            @Override
            public void onMessage(Q message) {
                request[0] = message;
                super.onMessage(message);
            }
        };
    }

    /** The slow calls seen lately, oldest first. */
    public synchronized List<SlowCall> recent() {
        return new ArrayList<>(recent);
    }

    private synchronized void report(SlowCall call) {
        log.warn("Slow RPC {}: {} ms ({}), arguments: {}", call.method(), call.millis(), call.status(), call.arguments());
        recent.addLast(call);
        if (recent.size() > KEPT) {
            recent.removeFirst();
        }
    }

    private static String describe(Object request) {
        if (request == null) {
            return "(none received)";
        }
        String text = request instanceof MessageOrBuilder m ? TextFormat.shortDebugString(m) : String.valueOf(request);
        return text.length() > MAX_ARGUMENT_CHARS ? text.substring(0, MAX_ARGUMENT_CHARS) + "…" : text;
    }
}
