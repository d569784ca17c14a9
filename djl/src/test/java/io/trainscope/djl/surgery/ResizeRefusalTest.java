package io.trainscope.djl.surgery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Blocks;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv1d;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import io.trainscope.core.model.LayerInfo;
import io.trainscope.core.model.NeuronOperation;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Layers that cannot be rebuilt at another size (grouped and non-2-D convolutions), asked to
 * change size or to follow a change: refused with the layer and the reason, and the model is
 * left exactly as it was, with nothing allocated behind.
 */
class ResizeRefusalTest {

    @Test
    void aLayerFeedingAGroupedConvolutionKeepsItsSizeAndTheModelIsUnchanged() {
        try (ConstantGradientTraining training = conv2dThenGrouped()) {
            training.steps(3);
            float[] weight = training.parameter(0, "weight");
            float[] grouped = training.parameter(1, "weight");
            List<LayerInfo> layers = training.layers.layers();
            int arrays = training.arraysHeld(0);

            assertThatThrownBy(() -> training.apply(NeuronOperation.add(0, 2))).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("Layer 1 (Conv2d with 2 groups) reads the neurons of layer 0 and cannot follow a change of their"
                            + " number, so layer 0's size cannot change: only Linear and Conv2d layers without groups can change size");

            assertThat(training.layers.layers()).isEqualTo(layers);
            assertThat(training.parameter(0, "weight")).containsExactly(weight);
            assertThat(training.parameter(1, "weight")).containsExactly(grouped);
            assertThat(training.arraysHeld(0)).as("arrays held for the model's parameters").isEqualTo(arrays);
            training.steps(2);
        }
    }

    @Test
    void aGroupedConvolutionKeepsItsSize() {
        try (ConstantGradientTraining training = conv2dThenGrouped()) {
            training.steps(1);

            assertThatThrownBy(() -> training.apply(NeuronOperation.remove(1, List.of(0)))).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("Layer 1 (Conv2d with 2 groups) cannot change size: only Linear and Conv2d layers without groups"
                            + " can change size");
            assertThat(training.layers.layers().get(1).neurons()).isEqualTo(4);
        }
    }

    @Test
    void aConv1dKeepsItsSizeWithAReasonNotAnIndexError() {
        try (ConstantGradientTraining training = new ConstantGradientTraining(new SequentialBlock()
                .add(Conv1d.builder().setKernelShape(new Shape(3)).setFilters(4).build())
                .add(Blocks.batchFlattenBlock())
                .add(Linear.builder().setUnits(3).build()), new Shape(1, 1, 8), new float[8])) {
            training.steps(1);
            float[] weight = training.parameter(0, "weight");
            int arrays = training.arraysHeld(0);

            assertThatThrownBy(() -> training.apply(NeuronOperation.add(0, 1))).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("Layer 0 (Conv1d) cannot change size: only Linear and Conv2d layers without groups can change size");
            assertThat(training.layers.layers().get(0).neurons()).isEqualTo(4);
            assertThat(training.parameter(0, "weight")).containsExactly(weight);
            assertThat(training.arraysHeld(0)).isEqualTo(arrays);
        }
    }

    /** Conv2d(4) → grouped Conv2d(4, 2 groups) → flatten → Linear(3), on a 4×4 image. */
    private static ConstantGradientTraining conv2dThenGrouped() {
        float[] image = new float[16];
        for (int i = 0; i < image.length; i++) {
            image[i] = (i % 5) / 5f;
        }
        return new ConstantGradientTraining(new SequentialBlock()
                .add(Conv2d.builder().setKernelShape(new Shape(3, 3)).optPadding(new Shape(1, 1)).setFilters(4).build())
                .add(Conv2d.builder().setKernelShape(new Shape(3, 3)).optPadding(new Shape(1, 1)).setFilters(4).optGroups(2).build())
                .add(Blocks.batchFlattenBlock())
                .add(Linear.builder().setUnits(3).build()), new Shape(1, 1, 4, 4), image);
    }
}
