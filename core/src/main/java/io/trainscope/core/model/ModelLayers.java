package io.trainscope.core.model;

import java.util.List;

/**
 * The model as a list of layers, to inspect and to operate on. The seam between the experiment
 * and a model backend (DJL now): implementations read and change the live model, so call them on
 * the training thread (through the gate's commands).
 */
public interface ModelLayers {

    /** The layers with neurons, in the model's order. */
    List<LayerInfo> layers();

    /**
     * A copy of the weights of layer {@code layerId} (an id from {@link #layers()}).
     *
     * @throws IllegalArgumentException if no layer has that id
     */
    LayerWeights weights(int layerId);

    /**
     * The output of layer {@code layerId} when the model, not training, reads {@code input}.
     *
     * @throws IllegalArgumentException if no layer has that id, or the model cannot read that input
     */
    LayerActivations activations(int layerId, ModelInput input);

    /**
     * One entry per neuron of layer {@code layerId}, in order.
     *
     * @throws IllegalArgumentException if no layer has that id
     */
    List<NeuronStats> neurons(int layerId);

    /**
     * Applies {@code operation} to the live model, and to the optimizer's state, before the next
     * step; nothing changes when it is refused.
     *
     * @throws IllegalArgumentException with the reason, if the model cannot take it
     */
    void apply(NeuronOperation operation);
}
