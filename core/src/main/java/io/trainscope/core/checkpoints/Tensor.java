package io.trainscope.core.checkpoints;

import static java.util.Objects.requireNonNull;

import java.util.Arrays;

/** A copy of one array of the model or its optimizer: its shape and its values, row-major. */
public record Tensor(long[] shape, float[] values) {

    public Tensor {
        requireNonNull(shape, "shape");
        requireNonNull(values, "values");
        long count = 1;
        for (long d : shape) {
            count *= d;
        }
        if (count != values.length) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " does not hold " + values.length + " values");
        }
    }
}
