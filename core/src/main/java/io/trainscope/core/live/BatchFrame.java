package io.trainscope.core.live;

import java.util.List;

/**
 * What a person sees of one training step: up to 16 of its images with prediction,
 * confidence and truth, plus the batch's loss and accuracy. Lossy: a subscriber that is
 * behind gets only the newest frame.
 */
public record BatchFrame(
        int epoch,
        int batchIndex,
        int batchSize,
        long step,
        List<FrameImage> images,
        int[] predictions,
        float[] confidences,
        int[] labels,
        float loss,
        float accuracy,
        long timestampMicros) {

    public BatchFrame {
        images = List.copyOf(images);
        if (predictions.length != images.size() || confidences.length != images.size() || labels.length != images.size()) {
            throw new IllegalArgumentException("predictions, confidences and labels need one entry per image");
        }
    }
}
