package io.trainscope.server.live;

import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.trainscope.core.Experiment;
import io.trainscope.core.live.BatchFrame;
import io.trainscope.core.live.PerformanceSample;
import io.trainscope.core.live.Sequenced;
import io.trainscope.core.live.Subscription;
import io.trainscope.proto.v1.BatchData;
import io.trainscope.proto.v1.Heartbeat;
import io.trainscope.proto.v1.MetricsResponse;
import java.util.ArrayDeque;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends one subscriber's share of the live feed down its gRPC stream, only as fast as the
 * client reads ({@code isReady}): durable events in order, then the newest performance
 * sample and the newest batch frame. Never blocks the publisher; all sending for a stream is
 * serialised on one drain task at a time.
 */
final class FeedStreamer {

    private static final Logger log = LoggerFactory.getLogger(FeedStreamer.class);
    private static final int EVENT_BATCH = 256;

    private final Experiment experiment;
    private final LiveMessages messages;
    private final ServerCallStreamObserver<MetricsResponse> out;
    private final Executor executor;
    private final Runnable onClose;
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private final ConcurrentLinkedQueue<MetricsResponse> direct = new ConcurrentLinkedQueue<>();
    private final ArrayDeque<Sequenced> events = new ArrayDeque<>();
    private volatile Subscription subscription;
    private volatile boolean heartbeatDue;
    private volatile boolean completeRequested;
    private volatile Status failure;
    private volatile boolean closed;
    private int heartbeats;
    private boolean classNamesSent;

    FeedStreamer(Experiment experiment, LiveMessages messages, ServerCallStreamObserver<MetricsResponse> out,
            Executor executor, Runnable onClose) {
        this.experiment = experiment;
        this.messages = messages;
        this.out = out;
        this.executor = executor;
        this.onClose = onClose;
        out.setOnReadyHandler(this::wake);
        out.setOnCancelHandler(this::close);
    }

    /** Starts the feed after {@code afterSequence}; safe to call once. */
    void start(long afterSequence, boolean wantsFrames) {
        if (subscription == null && !closed) {
            subscription = experiment.feed().subscribe(afterSequence, wantsFrames, this::wake);
            wake();
        }
    }

    boolean started() {
        return subscription != null;
    }

    /** Queues a message for this stream only (a control acknowledgement). */
    void sendDirect(MetricsResponse message) {
        direct.add(message);
        wake();
    }

    void heartbeat() {
        heartbeatDue = true;
        wake();
    }

    /** Ends the stream normally once what is queued has been sent. */
    void complete() {
        completeRequested = true;
        wake();
    }

    /** Ends the stream with {@code status} once what is queued has been sent (a bad request on the stream). */
    void fail(Status status) {
        failure = status;
        wake();
    }

    void wake() {
        if (!closed && scheduled.compareAndSet(false, true)) {
            executor.execute(this::drain);
        }
    }

    private void drain() {
        try {
            while (!closed && out.isReady()) {
                MetricsResponse next = next();
                if (next == null) {
                    break;
                }
                out.onNext(next);
            }
            Status failed = failure;
            if (failed != null && !closed && direct.isEmpty()) {
                out.onError(failed.asRuntimeException());
                close();
            } else if (completeRequested && !closed && direct.isEmpty()) {
                out.onCompleted();
                close();
            }
        } catch (RuntimeException e) {
            log.debug("Live stream ended: {}", e.toString());
            close();
        } finally {
            scheduled.set(false);
        }
        if (!closed && out.isReady() && hasWork()) {
            wake();
        }
    }

    private boolean hasWork() {
        Subscription s = subscription;
        return !direct.isEmpty() || !events.isEmpty() || heartbeatDue || (s != null && s.hasPending());
    }

    private MetricsResponse next() {
        MetricsResponse direct = this.direct.poll();
        if (direct != null) {
            return direct;
        }
        Subscription s = subscription;
        if (heartbeatDue) {
            heartbeatDue = false;
            return MetricsResponse.newBuilder().setHeartbeat(Heartbeat.newBuilder()
                    .setTimestampMs(System.currentTimeMillis()).setSequenceNumber(++heartbeats)).build();
        }
        if (s == null) {
            return null;
        }
        if (events.isEmpty()) {
            events.addAll(s.pollEvents(EVENT_BATCH));
        }
        Sequenced event = events.poll();
        if (event != null) {
            return LiveMessages.event(event, experiment.description());
        }
        PerformanceSample performance = s.pollPerformance();
        if (performance != null) {
            return LiveMessages.performance(performance, s.droppedFrames(), experiment.feed().publishedFrames());
        }
        BatchFrame frame = s.pollFrame();
        if (frame != null) {
            MetricsResponse message = messages.frame(frame);
            if (!classNamesSent) {
                classNamesSent = true;
                BatchData withNames = message.getBatchData().toBuilder()
                        .addAllClassNames(experiment.description().classNames()).build();
                return message.toBuilder().setBatchData(withNames).build();
            }
            return message;
        }
        return null;
    }

    void close() {
        if (closed) {
            return;
        }
        closed = true;
        Subscription s = subscription;
        if (s != null) {
            s.close();
        }
        onClose.run();
    }
}
