package io.trainscope.djl.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.Trainer;
import io.trainscope.core.live.BatchFrame;
import io.trainscope.core.live.FrameImage;
import io.trainscope.djl.data.ImageDataset;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What the loop makes of a step's outputs for the people watching: predictions and confidences
 * from the logits, the batch frame for the live feed, and a whole split's mean loss and accuracy.
 */
final class StepOutputs {

    private static final int EVAL_BATCH = 500;

    private StepOutputs() {}

    /**
     * The frame of a step: up to {@code imagesPerFrame} of its images with predictions and truth.
     * The images point into the data set's own pixels, so the training thread copies none.
     */
    static BatchFrame frame(ImageDataset train, int imagesPerFrame, int[] indices, long[] labels, long[] predictions, float[] confidences,
            int epoch, int batchIndex, long step, float loss, float accuracy) {
        int shown = Math.min(imagesPerFrame, indices.length);
        int per = train.pixelsPerImage();
        List<FrameImage> images = new ArrayList<>(shown);
        int[] predicted = new int[shown];
        int[] truth = new int[shown];
        for (int i = 0; i < shown; i++) {
            images.add(new FrameImage.Raw(String.valueOf(indices[i]), train.width(), train.height(), train.channels(),
                    train.pixels(), indices[i] * per));
            predicted[i] = (int) predictions[i];
            truth[i] = (int) labels[i];
        }
        Instant now = Instant.now();
        return new BatchFrame(epoch, batchIndex, indices.length, step, images, predicted,
                Arrays.copyOf(confidences, shown), truth, loss, accuracy,
                now.getEpochSecond() * 1_000_000 + now.getNano() / 1_000);
    }

    /** Mean loss and accuracy over a whole split, without gradients; {@code betweenBatches} runs after each batch. */
    static double[] evaluate(Trainer trainer, ImageDataset data, Runnable betweenBatches) {
        double lossSum = 0;
        long correct = 0;
        int per = data.pixelsPerImage();
        for (int from = 0; from < data.size(); from += EVAL_BATCH) {
            int n = Math.min(EVAL_BATCH, data.size() - from);
            float[] pixels = Arrays.copyOfRange(data.pixels(), from * per, (from + n) * per);
            long[] labels = new long[n];
            for (int i = 0; i < n; i++) {
                labels[i] = data.labels()[from + i];
            }
            try (NDManager scope = trainer.getManager().newSubManager()) {
                NDArray x = scope.create(pixels, new Shape(n, data.channels(), data.height(), data.width()));
                NDArray y = scope.create(labels);
                NDArray logits = trainer.evaluate(new NDList(x)).singletonOrThrow();
                lossSum += logits.logSoftmax(1).mul(y.oneHot(data.classCount())).sum().neg().getFloat();
                correct += logits.argMax(1).eq(y).sum().getLong();
            }
            betweenBatches.run();
        }
        return new double[] {lossSum / data.size(), (double) correct / data.size()};
    }

    /**
     * Arg-max class and its softmax probability per row, from one copy of the logits: a few
     * hundred floats in Java cost less than three more native ops and copies each step.
     */
    static void predict(float[] logits, int classes, long[] predictions, float[] confidences) {
        for (int row = 0; row < predictions.length; row++) {
            int base = row * classes;
            int best = 0;
            for (int c = 1; c < classes; c++) {
                if (logits[base + c] > logits[base + best]) {
                    best = c;
                }
            }
            double sum = 0;
            for (int c = 0; c < classes; c++) {
                sum += Math.exp(logits[base + c] - logits[base + best]);
            }
            predictions[row] = best;
            confidences[row] = (float) (1 / sum);
        }
    }

}
