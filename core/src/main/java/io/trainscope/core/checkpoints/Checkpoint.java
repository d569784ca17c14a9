package io.trainscope.core.checkpoints;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Map;

/**
 * What a checkpoint is, without its arrays: the run it belongs to and the step, the loop's
 * position, the hyperparameters a step reads, and the discarded ids of each split at that
 * moment. Addressed by {@code runHash@step}.
 */
public record Checkpoint(
        String runHash,
        LoopPosition position,
        float learningRate,
        int batchSize,
        Map<String, int[]> discarded,
        Instant created) {

    public Checkpoint {
        requireNonNull(runHash, "runHash");
        requireNonNull(position, "position");
        discarded = Map.copyOf(discarded);
        requireNonNull(created, "created");
    }

    public long step() {
        return position.step();
    }

    /** The name used on the wire and on disk: {@code <runHash>@<step>}. */
    public String id() {
        return runHash + "@" + step();
    }
}
