package io.trainscope.core.model;

import java.util.OptionalInt;

/**
 * One layer of the model that has neurons a person can look at: its position (the id every
 * layer-addressing request uses), name, type, how many neurons it has and feeds from, and its
 * kernel and stride where it has them.
 */
public record LayerInfo(int id, String name, String type, int neurons, int incomingNeurons, OptionalInt kernelSize,
        OptionalInt stride) {}
