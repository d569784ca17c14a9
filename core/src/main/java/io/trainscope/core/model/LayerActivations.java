package io.trainscope.core.model;

import static java.util.Objects.requireNonNull;

/**
 * One layer's output for one sample: {@code shape} without the batch dimension, (channels, h, w)
 * for a convolution and (neurons) for a linear layer; {@code values} are row-major.
 */
public record LayerActivations(LayerInfo layer, long[] shape, float[] values) {

    public LayerActivations {
        requireNonNull(layer, "layer");
        requireNonNull(shape, "shape");
        requireNonNull(values, "values");
        if (shape.length == 0) {
            throw new IllegalArgumentException("an activation needs at least one dimension");
        }
    }

    /** Channels (or neurons): the first dimension. */
    public int channels() {
        return (int) shape[0];
    }

    /** Height of each channel's map: 1 for a 1-D output. */
    public int height() {
        return shape.length >= 3 ? (int) shape[1] : 1;
    }

    /** Width of each channel's map: 1 for a 1-D output; the remaining dimensions flattened. */
    public int width() {
        long cells = values.length / Math.max(1, shape[0]);
        return (int) (cells / height());
    }
}
