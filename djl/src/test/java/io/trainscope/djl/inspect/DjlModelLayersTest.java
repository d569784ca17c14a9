package io.trainscope.djl.inspect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Model;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import io.trainscope.core.model.LayerActivations;
import io.trainscope.core.model.ModelInput;
import io.trainscope.djl.data.GeneratedShapes;
import io.trainscope.djl.data.ImageDataset;
import io.trainscope.djl.model.ReferenceModels;
import org.junit.jupiter.api.Test;

/** Layer outputs read child by child agree with the model's own forward pass, and leave nothing behind. */
class DjlModelLayersTest {

    @Test
    void lastLayerActivationsAreTheModelsOutputAndNoArrayIsLeftAttached() {
        ImageDataset shapes = GeneratedShapes.create("shapes/test", 4, 3);
        try (Model model = Model.newInstance("small-cnn")) {
            model.setBlock(ReferenceModels.smallCnn(shapes.classCount()));
            model.getBlock().initialize(model.getNDManager(), DataType.FLOAT32, new Shape(1, 1, 28, 28));
            DjlModelLayers layers = new DjlModelLayers(model.getBlock());
            ModelInput input = new ModelInput(shapes.image(2), new long[] {1, 28, 28});
            float[] expected;
            try (NDManager scope = model.getNDManager().newSubManager()) {
                expected = model.getBlock().forward(new ParameterStore(scope, false),
                        new NDList(scope.create(input.values(), new Shape(1, 1, 28, 28))), false).singletonOrThrow().toFloatArray();
            }
            int arraysBefore = model.getNDManager().getManagedArrays().size();

            LayerActivations logits = layers.activations(9, input);
            for (int i = 0; i < 20; i++) {
                layers.activations(0, input);
            }

            assertThat(logits.shape()).containsExactly(shapes.classCount());
            assertThat(logits.values()).containsExactly(expected);
            assertThat(model.getNDManager().getManagedArrays()).hasSize(arraysBefore);
            assertThatThrownBy(() -> layers.activations(2, input)).hasMessage(
                    "No layer with id 2; the layer ids are [0, 3, 7, 9]");
            assertThatThrownBy(() -> layers.activations(0, new ModelInput(new float[3 * 28 * 28], new long[] {3, 28, 28})))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[3, 28, 28]");
        }
    }
}
