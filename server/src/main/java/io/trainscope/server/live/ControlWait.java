package io.trainscope.server.live;

import com.linecorp.armeria.server.RequestTimeoutException;
import com.linecorp.armeria.server.ServiceRequestContext;
import io.grpc.Status;
import io.trainscope.core.control.Steering;
import io.trainscope.core.control.TrainingGate;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Waits, without blocking, for a control command on the gate's step-boundary queue for as long as
 * its call lasts (a SendControl call, or the StreamMetrics stream that carried it), and at most
 * {@link #LONGEST_SECONDS}. A call that gives up first withdraws the command before the training
 * thread starts it, so a client told that its pause failed never sees the run pause later. A
 * command the training thread had already started ends within that boundary and is reported applied.
 */
final class ControlWait {

    /** The longest wait for a step boundary, whatever the call's own deadline. */
    static final long LONGEST_SECONDS = 60;

    private static final String WITHDRAWN = "the command was withdrawn, nothing was changed";

    private final TrainingGate gate;
    private final ScheduledExecutorService timer;

    ControlWait(TrainingGate gate, ScheduledExecutorService timer) {
        this.gate = gate;
        this.timer = timer;
    }

    /**
     * The outcome of {@code submitted} (a future from {@link io.trainscope.core.control.Steering}, the
     * gate's own), or a {@link io.grpc.StatusRuntimeException} saying the command was withdrawn.
     */
    CompletableFuture<Steering.Outcome> await(CompletableFuture<Steering.Outcome> submitted) {
        CompletableFuture<Steering.Outcome> answer = new CompletableFuture<>();
        AtomicReference<Status> gaveUp = new AtomicReference<>();
        submitted.whenComplete((outcome, error) -> {
            Status withdrawn = gaveUp.get();
            if (error instanceof CancellationException && withdrawn != null) {
                answer.completeExceptionally(withdrawn.asRuntimeException());
            } else if (error != null) {
                answer.completeExceptionally(error);
            } else {
                answer.complete(outcome);
            }
        });
        ScheduledFuture<?> limit = timer.schedule(() -> giveUp(submitted, gaveUp, Status.DEADLINE_EXCEEDED.withDescription(
                "the training loop did not reach a step boundary within " + LONGEST_SECONDS + " s; " + WITHDRAWN)),
                LONGEST_SECONDS, TimeUnit.SECONDS);
        // A StreamMetrics stream keeps one such callback per command until it ends: let each hold nothing once answered.
        AtomicReference<CompletableFuture<Steering.Outcome>> unanswered = new AtomicReference<>(submitted);
        answer.whenComplete((outcome, error) -> {
            limit.cancel(false);
            unanswered.set(null);
        });
        ServiceRequestContext call = ServiceRequestContext.currentOrNull();
        if (call != null) {
            call.whenRequestCancelling().thenAccept(cause -> {
                CompletableFuture<Steering.Outcome> queued = unanswered.get();
                if (queued != null) {
                    giveUp(queued, gaveUp, callEnded(cause));
                }
            });
        }
        return answer;
    }

    /** Withdraws the command if it is still queued; one that started completes as it would have. */
    private void giveUp(CompletableFuture<Steering.Outcome> submitted, AtomicReference<Status> gaveUp, Status why) {
        if (!submitted.isDone() && gaveUp.compareAndSet(null, why)) {
            gate.withdraw(submitted);
        }
    }

    private static Status callEnded(Throwable cause) {
        return cause instanceof RequestTimeoutException
                ? Status.DEADLINE_EXCEEDED.withDescription(
                        "the call's deadline passed before the training loop reached a step boundary; " + WITHDRAWN)
                : Status.CANCELLED.withDescription("the call ended (the client cancelled it, or its own deadline passed)"
                        + " before the training loop reached a step boundary; " + WITHDRAWN);
    }
}
