package io.trainscope.core.eval;

import static java.util.Objects.requireNonNull;

/**
 * A snapshot of the evaluation queue, as {@code GetEvaluationStatus} reports it: the state, batches
 * done of the total (0 until known), a progress text, the error or cancel reason ({@code ""} if none)
 * and the split of the current or last request.
 */
public record EvaluationProgress(EvaluationState state, int current, int total, String message, String error,
        String split) {

    public static final EvaluationProgress IDLE = new EvaluationProgress(EvaluationState.IDLE, 0, 0, "", "", "");

    public EvaluationProgress {
        requireNonNull(state, "state");
        requireNonNull(message, "message");
        requireNonNull(error, "error");
        requireNonNull(split, "split");
    }
}
