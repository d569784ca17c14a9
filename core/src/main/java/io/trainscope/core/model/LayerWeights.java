package io.trainscope.core.model;

import static java.util.Objects.requireNonNull;

/**
 * A copy of one layer's weight tensor: {@code shape} is (neurons, incoming) for a linear layer
 * and (filters, channels, kh, kw) for a convolution; {@code values} are row-major, so neuron
 * {@code n}'s weights are the {@link #perNeuron()} values from {@code n * perNeuron()}.
 */
public record LayerWeights(LayerInfo layer, long[] shape, float[] values) {

    public LayerWeights {
        requireNonNull(layer, "layer");
        requireNonNull(shape, "shape");
        requireNonNull(values, "values");
        if (shape.length == 0 || values.length % shape[0] != 0) {
            throw new IllegalArgumentException(values.length + " values do not split into " + (shape.length == 0 ? 0 : shape[0])
                    + " neurons");
        }
    }

    /** How many weights each neuron has (incoming × kernel cells). */
    public int perNeuron() {
        return (int) (values.length / shape[0]);
    }

    /** Neuron {@code neuron}'s weights (a copy). */
    public float[] neuron(int neuron) {
        int per = perNeuron();
        float[] row = new float[per];
        System.arraycopy(values, neuron * per, row, 0, per);
        return row;
    }
}
