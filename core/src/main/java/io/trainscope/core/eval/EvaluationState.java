package io.trainscope.core.eval;

import java.util.Locale;

/** Where the evaluation queue is: WeightsLab's state machine, whose lower-case names go on the wire. */
public enum EvaluationState {
    /** Nothing was ever asked for. */
    IDLE,
    /** Accepted, waiting for the training thread's next step boundary. */
    REQUESTED,
    /** Batches are running on the training thread. */
    RUNNING,
    DONE,
    CANCELED,
    ERROR;

    /** The status string of {@code GetEvaluationStatusResponse}: {@code idle}, {@code requested}, ... */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Requested or running: what a cancel can stop and what a dashboard keeps polling. */
    public boolean isActive() {
        return this == REQUESTED || this == RUNNING;
    }
}
