package io.trainscope.server.experiment;

import io.trainscope.core.model.LayerInfo;
import io.trainscope.proto.weightslab.CommandResponse;
import io.trainscope.proto.weightslab.LayerRepresentation;
import java.util.List;
import java.util.OptionalInt;

/** Translates the model's layers into WeightsLab's {@code LayerRepresentation}. */
final class LayerMessages {

    private LayerMessages() {}

    /** Adds every layer, or only {@code onlyId}; an unknown id makes the reply unsuccessful. */
    static void addLayers(CommandResponse.Builder reply, List<LayerInfo> layers, OptionalInt onlyId) {
        List<LayerInfo> chosen = onlyId.isPresent()
                ? layers.stream().filter(l -> l.id() == onlyId.getAsInt()).toList()
                : layers;
        if (onlyId.isPresent() && chosen.isEmpty()) {
            reply.setSuccess(false).setMessage("No layer with id " + onlyId.getAsInt() + "; the layer ids are "
                    + layers.stream().map(l -> String.valueOf(l.id())).toList());
            return;
        }
        for (LayerInfo l : chosen) {
            LayerRepresentation.Builder r = LayerRepresentation.newBuilder()
                    .setLayerId(l.id())
                    .setLayerName(l.name())
                    .setLayerType(l.type())
                    .setNeuronsCount(l.neurons())
                    .setIncomingNeuronsCount(l.incomingNeurons());
            l.kernelSize().ifPresent(r::setKernelSize);
            l.stride().ifPresent(r::setStride);
            reply.addLayerRepresentations(r);
        }
    }
}
