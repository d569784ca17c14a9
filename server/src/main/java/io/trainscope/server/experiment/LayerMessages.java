package io.trainscope.server.experiment;

import io.trainscope.core.model.LayerInfo;
import io.trainscope.core.model.ModelLayers;
import io.trainscope.core.model.NeuronStats;
import io.trainscope.proto.weightslab.CommandResponse;
import io.trainscope.proto.weightslab.LayerRepresentation;
import io.trainscope.proto.weightslab.NeuronId;
import io.trainscope.proto.weightslab.NeuronStatistics;
import java.util.List;
import java.util.OptionalInt;

/** Translates the model's layers and their neurons into WeightsLab's {@code LayerRepresentation}. */
final class LayerMessages {

    private LayerMessages() {}

    /** One layer with its neurons, as read on the training thread. */
    record LayerView(LayerInfo layer, List<NeuronStats> neurons) {}

    /** Reads every layer and its neurons; training thread only. */
    static List<LayerView> read(ModelLayers model) {
        return model.layers().stream().map(l -> new LayerView(l, model.neurons(l.id()))).toList();
    }

    /** Adds every layer, or only {@code onlyId}; an unknown id makes the reply unsuccessful. */
    static void addLayers(CommandResponse.Builder reply, List<LayerView> layers, OptionalInt onlyId) {
        List<LayerView> chosen = onlyId.isPresent()
                ? layers.stream().filter(l -> l.layer().id() == onlyId.getAsInt()).toList()
                : layers;
        if (onlyId.isPresent() && chosen.isEmpty()) {
            reply.setSuccess(false).setMessage("No layer with id " + onlyId.getAsInt() + "; the layer ids are "
                    + layers.stream().map(l -> String.valueOf(l.layer().id())).toList());
            return;
        }
        for (LayerView view : chosen) {
            LayerInfo l = view.layer();
            LayerRepresentation.Builder r = LayerRepresentation.newBuilder()
                    .setLayerId(l.id())
                    .setLayerName(l.name())
                    .setLayerType(l.type())
                    .setNeuronsCount(l.neurons())
                    .setIncomingNeuronsCount(l.incomingNeurons());
            l.kernelSize().ifPresent(r::setKernelSize);
            l.stride().ifPresent(r::setStride);
            for (NeuronStats n : view.neurons()) {
                NeuronStatistics.Builder stats = NeuronStatistics.newBuilder()
                        .setNeuronId(NeuronId.newBuilder().setLayerId(l.id()).setNeuronId(n.neuron()))
                        .setNeuronAge((int) Math.min(Integer.MAX_VALUE, n.age()))
                        .setLearningRate(n.learningRate());
                n.trainTriggerRate().ifPresent(rate -> stats.setTrainTriggerRate((float) rate));
                r.addNeuronsStatistics(stats);
            }
            reply.addLayerRepresentations(r);
        }
    }
}
