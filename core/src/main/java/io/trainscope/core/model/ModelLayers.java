package io.trainscope.core.model;

import java.util.List;

/**
 * The model as a list of layers, for inspection. The seam between the experiment and a model
 * backend (DJL now): implementations read the live model, so call them on the training thread
 * (through the gate's commands).
 */
public interface ModelLayers {

    /** The layers with neurons, in the model's order. */
    List<LayerInfo> layers();
}
