package io.trainscope.core.model;

import java.util.OptionalDouble;

/**
 * What is known of one neuron while it trains: {@code age} is the training samples it has seen
 * since it was created or last reinitialized; {@code trainTriggerRate} the fraction of the
 * samples measured in which its output was positive (empty until a measurement has seen it);
 * {@code learningRate} its learning-rate multiplier, 0 when frozen and 1 otherwise.
 */
public record NeuronStats(int neuron, long age, OptionalDouble trainTriggerRate, float learningRate) {

    public boolean frozen() {
        return learningRate == 0f;
    }
}
