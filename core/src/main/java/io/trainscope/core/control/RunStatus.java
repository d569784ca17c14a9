package io.trainscope.core.control;

/** Where a training run is in its life. */
public enum RunStatus {
    INITIALIZING,
    RUNNING,
    PAUSED,
    COMPLETED,
    FAILED,
    STOPPED;

    /** True once the loop has ended for good: no step will run again. */
    public boolean isFinal() {
        return this == COMPLETED || this == FAILED || this == STOPPED;
    }
}
