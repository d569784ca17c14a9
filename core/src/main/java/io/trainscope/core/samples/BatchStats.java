package io.trainscope.core.samples;

import static java.util.Objects.requireNonNull;

/**
 * What one step learned about each sample of its batch, as the training loop hands it to the
 * sample table: the arrays are parallel, one entry per sample, and are not copied.
 */
public record BatchStats(String origin, long step, int[] ids, int[] predictions, float[] confidences, float[] losses) {

    public BatchStats {
        requireNonNull(origin, "origin");
        if (predictions.length != ids.length || confidences.length != ids.length || losses.length != ids.length) {
            throw new IllegalArgumentException("ids, predictions, confidences and losses differ in length");
        }
    }
}
