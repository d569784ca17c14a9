package io.trainscope.server.live;

import com.linecorp.armeria.server.ServiceRequestContext;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.trainscope.core.Experiment;
import io.trainscope.core.StoppedThreads;
import io.trainscope.core.audit.AuditEntry;
import io.trainscope.core.control.GateClosedException;
import io.trainscope.core.control.Steering;
import io.trainscope.proto.v1.AuditLogRequest;
import io.trainscope.proto.v1.AuditLogResponse;
import io.trainscope.proto.v1.ControlAck;
import io.trainscope.proto.v1.ControlAction;
import io.trainscope.proto.v1.ControlCommand;
import io.trainscope.proto.v1.MetricsRequest;
import io.trainscope.proto.v1.MetricsResponse;
import io.trainscope.proto.v1.MetricsServiceGrpc;
import io.trainscope.proto.v1.SessionInfo;
import io.trainscope.proto.v1.SessionResponse;
import io.trainscope.proto.v1.SubscribeRequest;
import io.trainscope.server.auth.Callers;
import io.trainscope.server.experiment.BoundaryWait;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code trainscope.v1.MetricsService}: the live stream of seed 003 (bidirectional
 * {@code StreamMetrics}, browser-friendly {@code Subscribe} + {@code SendControl}) over one
 * {@link Experiment}.
 */
public final class LiveStreamService extends MetricsServiceGrpc.MetricsServiceImplBase implements AutoCloseable {

    private static final long HEARTBEAT_MILLIS = 2_000;
    private static final int DEFAULT_AUDIT_ENTRIES = 200;

    private final Experiment experiment;
    private final LiveMessages messages = new LiveMessages();
    private final ExecutorService streams = Executors.newFixedThreadPool(4, daemonThreads("trainscope-stream"));
    private final ScheduledExecutorService heartbeats = Executors.newSingleThreadScheduledExecutor(daemonThreads("trainscope-heartbeat"));
    private final Set<FeedStreamer> active = ConcurrentHashMap.newKeySet();
    private final BoundaryWait boundary;
    private final String instanceId = UUID.randomUUID().toString();

    public LiveStreamService(Experiment experiment) {
        this.experiment = experiment;
        this.boundary = new BoundaryWait(experiment);
        heartbeats.scheduleAtFixedRate(() -> active.forEach(FeedStreamer::heartbeat),
                HEARTBEAT_MILLIS, HEARTBEAT_MILLIS, TimeUnit.MILLISECONDS);
    }

    @Override
    public void registerTrainingSession(SessionInfo request, StreamObserver<SessionResponse> response) {
        response.onNext(SessionResponse.newBuilder()
                .setSessionId(UUID.randomUUID().toString())
                .setConfig(LiveMessages.config(experiment.description()))
                .setStatus(LiveMessages.status(experiment.status()))
                .setGlobalStep(experiment.step())
                .setLatestSequence(experiment.feed().log().latestSequence())
                .setInstanceId(instanceId)
                .build());
        response.onCompleted();
    }

    @Override
    public void getAuditLog(AuditLogRequest request, StreamObserver<AuditLogResponse> response) {
        List<AuditEntry> recent = experiment.audit().recent();
        // limit is a uint32: read it unsigned, so 2^31 and beyond mean "all" rather than a negative count.
        long limit = request.getLimit() == 0 ? DEFAULT_AUDIT_ENTRIES : Integer.toUnsignedLong(request.getLimit());
        AuditLogResponse.Builder reply = AuditLogResponse.newBuilder();
        for (AuditEntry e : recent.subList((int) Math.max(0, recent.size() - limit), recent.size())) {
            reply.addEntries(LiveMessages.auditEntry(e));
        }
        response.onNext(reply.build());
        response.onCompleted();
    }

    @Override
    public void subscribe(SubscribeRequest request, StreamObserver<MetricsResponse> response) {
        if (request.getAfterSequence() < 0) {
            response.onError(badSequence(request.getAfterSequence()).asRuntimeException());
            return;
        }
        FeedStreamer streamer = open(response);
        streamer.start(request.getAfterSequence(), !request.getSkipBatchFrames());
    }

    /** A uint64 sequence past 2^63 (a negative long): no server instance ever numbered that far. */
    private static Status badSequence(long afterSequence) {
        return Status.INVALID_ARGUMENT.withDescription("after_sequence " + Long.toUnsignedString(afterSequence)
                + " is beyond any sequence number; resume from the latest_sequence RegisterTrainingSession gives, or 0");
    }

    @Override
    public StreamObserver<MetricsRequest> streamMetrics(StreamObserver<MetricsResponse> response) {
        FeedStreamer streamer = open(response);
        return new StreamObserver<>() {
            @Override
            public void onNext(MetricsRequest request) {
                switch (request.getRequestCase()) {
                    case SUBSCRIBE -> {
                        long after = request.getSubscribe().getAfterSequence();
                        if (after < 0) {
                            streamer.fail(badSequence(after));
                        } else {
                            streamer.start(after, !request.getSubscribe().getSkipBatchFrames());
                        }
                    }
                    case CONTROL -> {
                        streamer.start(0, true);
                        control(request.getControl()).whenComplete((answer, error) -> streamer.sendDirect(
                                MetricsResponse.newBuilder().setControlAck(answer != null ? answer.ack()
                                        : failedAck(request.getControl(), error)).build()));
                    }
                    default -> streamer.start(0, true); // a heartbeat (or anything else) starts the feed
                }
            }

            @Override
            public void onError(Throwable t) {
                streamer.close();
            }

            @Override
            public void onCompleted() {
                streamer.complete();
            }
        };
    }

    @Override
    public void sendControl(ControlCommand request, StreamObserver<ControlAck> response) {
        control(request).whenComplete((answer, error) -> {
            if (error != null) {
                response.onError(toStatus(error).asRuntimeException());
                return;
            }
            switch (answer.result()) {
                case APPLIED -> {
                    response.onNext(answer.ack());
                    response.onCompleted();
                }
                case INVALID -> response.onError(Status.INVALID_ARGUMENT.withDescription(answer.ack().getMessage())
                        .asRuntimeException());
                case NOT_NOW -> response.onError(Status.FAILED_PRECONDITION.withDescription(answer.ack().getMessage())
                        .asRuntimeException());
            }
        });
    }

    /** A control command's acknowledgement and how it ended. */
    private record Answer(Steering.Result result, ControlAck ack) {}

    /** Applies a control command at the next step boundary. */
    private CompletableFuture<Answer> control(ControlCommand command) {
        Steering steering = experiment.steering();
        CompletableFuture<Steering.Outcome> outcome = switch (command.getAction()) {
            case PAUSE -> steering.pause();
            case RESUME -> steering.resume();
            case STOP -> steering.stop();
            case CHANGE_LEARNING_RATE -> steering.changeLearningRate(command.getLearningRate());
            case ADJUST_BATCH_SIZE -> steering.adjustBatchSize(command.getBatchSize());
            default -> CompletableFuture.completedFuture(new Steering.Outcome(Steering.Result.INVALID,
                    "action must be one of PAUSE, RESUME, STOP, CHANGE_LEARNING_RATE, ADJUST_BATCH_SIZE; got "
                            + command.getActionValue(), experiment.step()));
        };
        String caller = Callers.current();
        Map<String, String> parameters = Map.of("learning_rate", String.valueOf(command.getLearningRate()),
                "batch_size", String.valueOf(command.getBatchSize()));
        return boundary.whileCallLasts(outcome).whenCompleteAsync((o, error) -> experiment.audit().record(new AuditEntry(
                Instant.now(), auditAction(command.getAction()), parameters, caller,
                o != null ? (o.success() ? "" : "refused: ") + o.message() : "refused: " + toStatus(error).getDescription())),
                streams).thenApply(o -> new Answer(o.result(),
                ControlAck.newBuilder()
                        .setActionValue(command.getActionValue())
                        .setSuccess(o.success())
                        .setMessage(o.message())
                        .setEffectiveStep(o.step())
                        .setRequestId(command.getRequestId())
                        .setStatus(LiveMessages.status(experiment.status()))
                        .build()));
    }

    private static String auditAction(ControlAction action) {
        return switch (action) {
            case PAUSE -> "pause";
            case RESUME -> "resume";
            case STOP -> "stop";
            case CHANGE_LEARNING_RATE, ADJUST_BATCH_SIZE -> "hp_change";
            default -> "control";
        };
    }

    private static ControlAck failedAck(ControlCommand command, Throwable error) {
        return ControlAck.newBuilder().setActionValue(command.getActionValue()).setSuccess(false)
                .setMessage(toStatus(error).getDescription()).setRequestId(command.getRequestId()).build();
    }

    private static Status toStatus(Throwable error) {
        Throwable cause = error instanceof java.util.concurrent.CompletionException && error.getCause() != null
                ? error.getCause() : error;
        if (cause instanceof StatusRuntimeException withdrawn) {
            return withdrawn.getStatus();
        }
        if (cause instanceof GateClosedException) {
            return Status.FAILED_PRECONDITION.withDescription("training has ended; the command was not applied");
        }
        return Status.UNAVAILABLE.withDescription("the training thread could not take the command: " + cause.getMessage());
    }

    private FeedStreamer open(StreamObserver<MetricsResponse> response) {
        // Drain on the call's own event loop: its writes then need no further hand-off, and a
        // publish costs the training thread one wake-up of a thread that is awake anyway.
        ServiceRequestContext ctx = ServiceRequestContext.currentOrNull();
        Executor executor = ctx != null ? ctx.eventLoop() : streams;
        FeedStreamer[] holder = new FeedStreamer[1];
        holder[0] = new FeedStreamer(experiment, messages, (ServerCallStreamObserver<MetricsResponse>) response, executor,
                () -> active.remove(holder[0]));
        active.add(holder[0]);
        return holder[0];
    }

    @Override
    public void close() {
        active.forEach(FeedStreamer::complete);
        heartbeats.shutdownNow();
        streams.shutdown();
        StoppedThreads.await(heartbeats, streams);
    }

    static java.util.concurrent.ThreadFactory daemonThreads(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
