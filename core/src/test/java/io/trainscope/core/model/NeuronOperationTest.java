package io.trainscope.core.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** What a model of four layers (conv 16, conv 32, linear 128, linear 10) refuses, and why. */
class NeuronOperationTest {

    private static final List<LayerInfo> LAYERS = List.of(
            new LayerInfo(0, "01Conv2d", "Conv2d", 16, 1, OptionalInt.of(3), OptionalInt.of(1)),
            new LayerInfo(3, "04Conv2d", "Conv2d", 32, 16, OptionalInt.of(3), OptionalInt.of(1)),
            new LayerInfo(7, "08Linear", "Linear", 128, 1568, OptionalInt.empty(), OptionalInt.empty()),
            new LayerInfo(9, "10Linear", "Linear", 10, 128, OptionalInt.empty(), OptionalInt.empty()));

    @Test
    void anUnknownLayerIsRefusedWithTheValidIds() {
        assertThat(NeuronOperation.freeze(4, List.of()).refusal(LAYERS))
                .hasValueSatisfying(m -> assertThat(m).contains("id 4").contains("[0, 3, 7, 9]"));
    }

    @Test
    void aNeuronOutOfRangeIsRefusedWithTheRange() {
        assertThat(NeuronOperation.reinitialize(0, List.of(16)).refusal(LAYERS))
                .hasValue("Layer 0 (Conv2d) has neurons 0..15; neuron 16 does not exist");
        assertThat(NeuronOperation.freeze(0, List.of(-1)).refusal(LAYERS)).isPresent();
    }

    @Test
    void removingEveryNeuronOrNoneIsRefused() {
        List<Integer> all = java.util.stream.IntStream.range(0, 32).boxed().toList();
        assertThat(NeuronOperation.remove(3, all).refusal(LAYERS)).hasValueSatisfying(m -> assertThat(m).contains("keep at least one"));
        assertThat(NeuronOperation.remove(3, List.of()).refusal(LAYERS)).hasValueSatisfying(m -> assertThat(m).contains("neuron_ids"));
    }

    @Test
    void theOutputLayerCannotChangeSizeButCanBeFrozen() {
        assertThat(NeuronOperation.remove(9, List.of(1)).refusal(LAYERS)).hasValueSatisfying(m -> assertThat(m).contains("output layer"));
        assertThat(NeuronOperation.add(9, 1).refusal(LAYERS)).hasValueSatisfying(m -> assertThat(m).contains("output layer"));
        assertThat(NeuronOperation.freeze(9, List.of(1)).refusal(LAYERS)).isEmpty();
    }

    @Test
    void neuronsToAddMustBeBetweenOneAndTheCap() {
        assertThat(NeuronOperation.add(7, 0).refusal(LAYERS)).hasValue("neurons_to_add must be 1..512, not 0");
        assertThat(NeuronOperation.add(7, 513).refusal(LAYERS)).isPresent();
        assertThat(NeuronOperation.add(7, 512).refusal(LAYERS)).isEmpty();
    }

    @Test
    void neuronsAreSortedAndUnique() {
        assertThat(NeuronOperation.freeze(7, List.of(5, 3, 5)).neurons()).containsExactly(3, 5);
        assertThat(NeuronOperation.freeze(7, List.of(5, 3)).describe()).isEqualTo("Toggled freezing of neurons 3, 5 of layer 7");
    }
}
