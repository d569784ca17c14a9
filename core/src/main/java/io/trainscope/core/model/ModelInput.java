package io.trainscope.core.model;

import static java.util.Objects.requireNonNull;

import java.util.Arrays;

/** One sample as the model reads it: its values, row-major, and their shape without the batch dimension. */
public record ModelInput(float[] values, long[] shape) {

    public ModelInput {
        requireNonNull(values, "values");
        requireNonNull(shape, "shape");
        if (Arrays.stream(shape).reduce(1, (a, b) -> a * b) != values.length) {
            throw new IllegalArgumentException(values.length + " values do not fill shape " + Arrays.toString(shape));
        }
    }
}
