package io.trainscope.server.experiment;

import static java.util.Objects.requireNonNull;

import com.linecorp.armeria.server.RequestTimeoutException;
import com.linecorp.armeria.server.ServiceRequestContext;
import io.grpc.Status;
import io.trainscope.core.Experiment;
import io.trainscope.core.control.GateClosedException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Waits for a command on the training thread's step-boundary queue for as long as the call that
 * asked for it lasts, and at most 60 s. A call that gives up first (its deadline, the client's or
 * the server's, passes; the client cancels it; its thread is interrupted; the 60 s pass) withdraws
 * its command before the training thread starts it, so nothing a client was told failed is applied
 * later. Blocks, so callers run it off the event loops.
 *
 * <pre>{@code
 * long step = boundary.await(experiment.gate().submitAtBoundary(at -> { model.apply(op); return at; }));
 * }</pre>
 */
final class BoundaryWait {

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

        Status status() {
            return status;
        }
    }

    private final Experiment experiment;

    BoundaryWait(Experiment experiment) {
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
            gaveUp = submitted.isDone() ? null : callEnded(callEnded.getNow(null));
        } catch (ExecutionException e) {
            gaveUp = null; // the command failed: read below
        } catch (TimeoutException e) {
            gaveUp = new NotRun(Status.DEADLINE_EXCEEDED, "the training loop did not reach a step boundary within "
                    + LONGEST_SECONDS + " s; " + WITHDRAWN);
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

    private static NotRun callEnded(Throwable cause) {
        return cause instanceof RequestTimeoutException
                ? new NotRun(Status.DEADLINE_EXCEEDED, "the call's deadline passed before the training loop reached a step"
                        + " boundary; " + WITHDRAWN)
                : new NotRun(Status.CANCELLED, "the call ended (the client cancelled it, or its own deadline passed) before"
                        + " the training loop reached a step boundary; " + WITHDRAWN);
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
