package io.trainscope.djl.train;

import static java.util.Objects.requireNonNull;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.Trainer;
import io.trainscope.core.eval.BatchEvaluator;
import io.trainscope.djl.data.ImageDataset;
import java.util.Map;

/**
 * Forward passes of the training's own model over samples of a split, without gradients, for
 * evaluations on demand. Runs on the training thread, which owns the trainer.
 */
final class DjlBatchEvaluator implements BatchEvaluator {

    private final Trainer trainer;
    private final Map<String, ImageDataset> splits;

    DjlBatchEvaluator(Trainer trainer, Map<String, ImageDataset> splits) {
        this.trainer = requireNonNull(trainer, "trainer");
        this.splits = Map.copyOf(splits);
    }

    @Override
    public Results evaluate(String split, int[] ids) {
        ImageDataset data = splits.get(split);
        if (data == null) {
            throw new IllegalArgumentException("Loader '" + split + "' not found. Splits: " + splits.keySet());
        }
        int n = ids.length;
        float[] pixels = new float[n * data.pixelsPerImage()];
        data.copyImages(ids, pixels);
        long[] labels = new long[n];
        int[] intLabels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = data.labels()[ids[i]];
            intLabels[i] = (int) labels[i];
        }
        float[] losses;
        float[] logits;
        try (NDManager scope = trainer.getManager().newSubManager()) {
            NDArray x = scope.create(pixels, new Shape(n, data.channels(), data.height(), data.width()));
            NDArray out = trainer.evaluate(new NDList(x)).singletonOrThrow();
            NDArray perSample = out.logSoftmax(1).mul(scope.create(labels).oneHot(data.classCount())).sum(new int[] {1}).neg();
            losses = perSample.toFloatArray();
            logits = out.toFloatArray();
        }
        long[] predicted = new long[n];
        float[] confidences = new float[n];
        StepOutputs.predict(logits, data.classCount(), predicted, confidences);
        int[] predictions = new int[n];
        for (int i = 0; i < n; i++) {
            predictions[i] = (int) predicted[i];
        }
        return new Results(ids, intLabels, predictions, confidences, losses);
    }
}
