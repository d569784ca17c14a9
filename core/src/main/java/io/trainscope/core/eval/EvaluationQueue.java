package io.trainscope.core.eval;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * The evaluation state machine: one evaluation at a time, asked for by any thread, run by the
 * training thread. A trigger while one runs is refused; a trigger while one waits replaces it
 * (WeightsLab's rule). A cancel stops a waiting request at once and a running one before its next
 * batch. A finished state (done, canceled, error) stays until the next trigger.
 *
 * <pre>{@code
 * queue.trigger(EvaluationRequest.of("test"));           // any thread
 * queue.start().ifPresent(request -> {                    // training thread, at a step boundary
 *     queue.total(batches);
 *     for (...) { if (queue.cancelRequested()) { queue.canceled(); return; } ...; queue.batchDone(); }
 *     queue.done("Done");
 * });
 * }</pre>
 */
public final class EvaluationQueue {

    /** How a trigger or cancel ended: accepted or not, and a message a person can act on. */
    public record Answer(boolean accepted, String message) {}

    static final String DEFAULT_CANCEL_REASON = "Canceled by user";

    private EvaluationState state = EvaluationState.IDLE;
    private int current;
    private int total;
    private String message = "";
    private String error = "";
    private String split = "";
    private EvaluationRequest waiting;
    private volatile boolean cancelRequested;

    /** Queues {@code request}, replacing one that has not started; refused while one runs. */
    public synchronized Answer trigger(EvaluationRequest request) {
        requireNonNull(request, "request");
        if (request.split().isBlank()) {
            return new Answer(false, "split_name is required");
        }
        if (state == EvaluationState.RUNNING) {
            return new Answer(false, "Evaluation already in progress: '" + split + "' at batch " + current + " of "
                    + total + "; cancel it or wait until it ends, then trigger again");
        }
        String replaced = waiting != null ? " (replacing the waiting request on '" + waiting.split() + "')" : "";
        waiting = request;
        cancelRequested = false;
        set(EvaluationState.REQUESTED, 0, 0, "Evaluation pending\u2026", "", request.split());
        return new Answer(true, "Evaluation on '" + request.split() + "' requested" + replaced);
    }

    /** Cancels the waiting or running evaluation; {@code reason} blank means "Canceled by user". */
    public synchronized Answer cancel(String reason) {
        String why = reason == null || reason.isBlank() ? DEFAULT_CANCEL_REASON : reason.strip();
        switch (state) {
            case REQUESTED -> {
                waiting = null;
                set(EvaluationState.CANCELED, 0, 0, why, "Evaluation canceled before start", split);
            }
            case RUNNING -> {
                cancelRequested = true;
                message = why;
            }
            default -> {
                return new Answer(false, "No active evaluation to cancel");
            }
        }
        return new Answer(true, "Evaluation canceled: " + why);
    }

    public synchronized EvaluationProgress progress() {
        return new EvaluationProgress(state, current, total, message, error, split);
    }

    /** Training thread: takes the waiting request and marks it running; empty when none waits. */
    public synchronized Optional<EvaluationRequest> start() {
        if (state != EvaluationState.REQUESTED || waiting == null) {
            return Optional.empty();
        }
        EvaluationRequest request = waiting;
        waiting = null;
        set(EvaluationState.RUNNING, 0, 0, "Evaluating '" + request.split() + "'\u2026", "", request.split());
        return Optional.of(request);
    }

    /** Training thread: the running evaluation has {@code batches} batches. */
    public synchronized void total(int batches) {
        if (state == EvaluationState.RUNNING) {
            total = batches;
        }
    }

    /** Training thread, before each batch: stop here when true. */
    public boolean cancelRequested() {
        return cancelRequested;
    }

    /** Training thread: one more batch is done. */
    public synchronized void batchDone() {
        if (state == EvaluationState.RUNNING) {
            current++;
        }
    }

    /** Training thread: the running evaluation ended with its results summed up in {@code summary}. */
    public synchronized void done(String summary) {
        if (state == EvaluationState.RUNNING) {
            set(EvaluationState.DONE, current, total, summary, "", split);
        }
    }

    /** Training thread: the running evaluation stopped at a cancel; the message stays the cancel's reason. */
    public synchronized void canceled() {
        if (state == EvaluationState.RUNNING) {
            cancelRequested = false;
            set(EvaluationState.CANCELED, current, total, message, "Evaluation canceled by user", split);
        }
    }

    /** The running or waiting evaluation cannot go on, for {@code reason}. */
    public synchronized void failed(String reason) {
        if (state.isActive()) {
            waiting = null;
            cancelRequested = false;
            set(EvaluationState.ERROR, current, total, "Failed", reason, split);
        }
    }

    private void set(EvaluationState state, int current, int total, String message, String error, String split) {
        this.state = state;
        this.current = current;
        this.total = total;
        this.message = message;
        this.error = error;
        this.split = split;
    }
}
