package io.trainscope.server.experiment;

import static java.util.Objects.requireNonNull;

import com.linecorp.armeria.server.RequestTimeoutException;
import com.linecorp.armeria.server.ServiceRequestContext;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.trainscope.core.Experiment;
import io.trainscope.core.control.GateClosedException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Waits for a command on the training thread's step-boundary queue for as long as the call that
 * asked for it lasts, and at most 60 s. A call that gives up first (its deadline, the client's or
 * the server's, passes; the client cancels it or closes its stream; its thread is interrupted; the
 * 60 s pass) withdraws its command before the training thread starts it, so nothing a client was
 * told failed is applied later. {@link #await} blocks, so callers run it off the event loops;
 * {@link #whileCallLasts} is the same wait without blocking, for the live stream's control commands.
 *
 * <pre>{@code
 * long step = boundary.await(experiment.gate().submitAtBoundary(at -> { model.apply(op); return at; }));
 * }</pre>
 */
public final class BoundaryWait {

    /** The longest wait for a step boundary, whatever the call's own deadline. */
    static final long LONGEST_SECONDS = 60;

    private static final String WITHDRAWN = "the command was withdrawn, nothing was changed";

    /** Why a command was not run, in words that follow "Could not …: ", and the status that says so on a reply without an error field. */
    static final class NotRun extends Exception {
        private static final long serialVersionUID = 1L;
        private final transient Status status;

        NotRun(Status status, String message) {
            super(message, null, false, false);
            this.status = status;
        }

        static NotRun of(Status status) {
            return new NotRun(status, status.getDescription());
        }

        Status status() {
            return status;
        }
    }

    private final Experiment experiment;

    public BoundaryWait(Experiment experiment) {
        this.experiment = requireNonNull(experiment, "experiment");
    }

    /**
     * The result of {@code submitted}, a future the experiment's gate returned. A command the training
     * thread had already started when the call gave up is waited for (it ends within that boundary), and
     * its result returned: it was applied, and the caller reports so.
     *
     * @throws ExecutionException the command ran and failed
     * @throws NotRun the command was withdrawn, or the training thread serves no more commands
     */
    <T> T await(CompletableFuture<T> submitted) throws ExecutionException, NotRun {
        ServiceRequestContext call = ServiceRequestContext.currentOrNull();
        CompletableFuture<Throwable> callEnded = call != null ? call.whenRequestCancelling() : new CompletableFuture<>();
        NotRun gaveUp;
        try {
            CompletableFuture.anyOf(submitted, callEnded).get(LONGEST_SECONDS, TimeUnit.SECONDS);
            gaveUp = submitted.isDone() ? null : NotRun.of(callEnded(callEnded.getNow(null)));
        } catch (ExecutionException e) {
            gaveUp = null; // the command failed: read below
        } catch (TimeoutException e) {
            gaveUp = NotRun.of(tooLong());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            gaveUp = new NotRun(Status.UNAVAILABLE, "the server is shutting down; " + WITHDRAWN);
        }
        if (gaveUp != null && experiment.gate().withdraw(submitted)) {
            throw gaveUp;
        }
        try {
            return submitted.join(); // done, or started just now: it ends within this boundary
        } catch (CancellationException e) {
            throw new NotRun(Status.CANCELLED, WITHDRAWN);
        } catch (CompletionException e) {
            if (e.getCause() instanceof GateClosedException) {
                throw new NotRun(Status.FAILED_PRECONDITION, ended());
            }
            throw new ExecutionException(e.getCause());
        }
    }

    /**
     * The result of {@code submitted}, a future the experiment's gate returned, without blocking: the
     * command is withdrawn as {@link #await} does, and the future then fails with a
     * {@link StatusRuntimeException} that says so. A StreamMetrics stream carries many commands; all
     * of them give up with the stream.
     */
    public <T> CompletableFuture<T> whileCallLasts(CompletableFuture<T> submitted) {
        CompletableFuture<T> answer = new CompletableFuture<>();
        AtomicReference<Status> gaveUp = new AtomicReference<>();
        submitted.whenComplete((result, error) -> {
            Status withdrawn = gaveUp.get();
            if (error instanceof CancellationException && withdrawn != null) {
                answer.completeExceptionally(withdrawn.asRuntimeException());
            } else if (error != null) {
                answer.completeExceptionally(error);
            } else {
                answer.complete(result);
            }
        });
        // What waits for the call's end or the time limit holds the command only until it is answered:
        // a long StreamMetrics stream keeps one such callback per command.
        AtomicReference<CompletableFuture<T>> unanswered = new AtomicReference<>(submitted);
        answer.whenComplete((result, error) -> unanswered.set(null));
        CompletableFuture.runAsync(() -> giveUp(unanswered, gaveUp, tooLong()),
                CompletableFuture.delayedExecutor(LONGEST_SECONDS, TimeUnit.SECONDS));
        ServiceRequestContext call = ServiceRequestContext.currentOrNull();
        if (call != null) {
            call.whenRequestCancelling().thenAccept(cause -> giveUp(unanswered, gaveUp, callEnded(cause)));
        }
        return answer;
    }

    /** Withdraws the command if it is still queued; one that started completes as it would have. */
    private <T> void giveUp(AtomicReference<CompletableFuture<T>> unanswered, AtomicReference<Status> gaveUp, Status why) {
        CompletableFuture<T> submitted = unanswered.get();
        if (submitted != null && !submitted.isDone() && gaveUp.compareAndSet(null, why)) {
            experiment.gate().withdraw(submitted);
        }
    }

    private static Status tooLong() {
        return Status.DEADLINE_EXCEEDED.withDescription("the training loop did not reach a step boundary within "
                + LONGEST_SECONDS + " s; " + WITHDRAWN);
    }

    private static Status callEnded(Throwable cause) {
        return cause instanceof RequestTimeoutException
                ? Status.DEADLINE_EXCEEDED.withDescription("the call's deadline passed before the training loop reached a"
                        + " step boundary; " + WITHDRAWN)
                : Status.CANCELLED.withDescription("the call ended (the client cancelled it, or its own deadline passed)"
                        + " before the training loop reached a step boundary; " + WITHDRAWN);
    }

    /** Why the training thread serves no more commands, and what a person can do about it. */
    private String ended() {
        String why = experiment.status().isFinal()
                ? "training has ended (" + experiment.status() + ": " + experiment.statusMessage() + ")"
                : "the training thread has shut down (the server is closing)";
        return why + "; restart the process on the run directory to inspect the model or train on from its newest"
                + " checkpoint";
    }
}
