package io.trainscope.core.eval;

/**
 * The model side of an evaluation (the seam to DJL): one forward pass, without gradients, over
 * some samples of a split. Called on the training thread only.
 */
public interface BatchEvaluator {

    /** Per-sample results for one batch, parallel to {@code ids}. */
    record Results(int[] ids, int[] labels, int[] predictions, float[] confidences, float[] losses) {
        public Results {
            int n = ids.length;
            if (labels.length != n || predictions.length != n || confidences.length != n || losses.length != n) {
                throw new IllegalArgumentException("ids, labels, predictions, confidences and losses differ in length");
            }
        }
    }

    /** Evaluates the samples {@code ids} of {@code split}. */
    Results evaluate(String split, int[] ids);
}
