package io.trainscope.core.checkpoints;

/**
 * The training loop's side of a checkpoint, implemented by the engine adapter. Both methods run
 * on the training thread at a step boundary (inside a {@link io.trainscope.core.control.StepCommand}).
 */
public interface TrainingState {

    /** Copies the model, the optimizer and the loop's position. */
    Snapshot capture();

    /**
     * Puts a copy back: the whole of it, or (with {@code weightsOnly}) only the model's parameters,
     * leaving the optimizer as it is. Either way the loop continues from {@code snapshot}'s position.
     */
    void restore(Snapshot snapshot, boolean weightsOnly);

    /** A model and optimizer copy with the loop position it was taken at. */
    record Snapshot(ModelState model, LoopPosition position) {}
}
