package io.trainscope.djl.surgery;

import io.trainscope.core.checkpoints.Tensor;

/** Row and input selections of row-major tensors, with zeros where there was nothing to copy. */
final class Slices {

    private Slices() {}

    /** The rows {@code keep} of {@code t}, in that order, then zero rows up to {@code rows}. */
    static Tensor rows(Tensor t, int[] keep, int rows) {
        int per = t.values().length / (int) t.shape()[0];
        float[] out = new float[rows * per];
        for (int i = 0; i < keep.length; i++) {
            System.arraycopy(t.values(), keep[i] * per, out, i * per, per);
        }
        long[] shape = t.shape().clone();
        shape[0] = rows;
        return new Tensor(shape, out);
    }

    /**
     * A weight whose inputs come from {@code oldNeurons} neurons (each feeding a contiguous block of
     * inputs: its channel's cells after a flatten, or one input) now reading the neurons
     * {@code keep}, then zeros for the new ones up to {@code neurons}.
     */
    static Tensor inputs(Tensor t, int oldNeurons, int[] keep, int neurons) {
        int rows = (int) t.shape()[0];
        int perRow = t.values().length / rows;
        int block = perRow / oldNeurons; // inputs per neuron, times the kernel cells for a convolution
        int newPerRow = neurons * block;
        float[] out = new float[rows * newPerRow];
        for (int r = 0; r < rows; r++) {
            for (int i = 0; i < keep.length; i++) {
                System.arraycopy(t.values(), r * perRow + keep[i] * block, out, r * newPerRow + i * block, block);
            }
        }
        long[] shape = t.shape().clone();
        if (shape.length == 2) {
            shape[1] = newPerRow;
        } else {
            shape[1] = neurons;
        }
        return new Tensor(shape, out);
    }
}
