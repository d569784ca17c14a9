package io.trainscope.djl.inspect;

import ai.djl.engine.EngineException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Convolution;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import io.trainscope.core.model.LayerActivations;
import io.trainscope.core.model.LayerInfo;
import io.trainscope.core.model.LayerWeights;
import io.trainscope.core.model.ModelInput;
import io.trainscope.core.model.ModelLayers;
import io.trainscope.core.model.NeuronOperation;
import io.trainscope.core.model.NeuronStats;
import io.trainscope.djl.surgery.ModelSurgery;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.stream.IntStream;

/**
 * The layers of a DJL sequential model that have neurons (linear and convolution layers), with
 * ids that are their positions among the model's children. Reads the live model's parameters
 * and runs it forward, and operates on its neurons through the training's {@link ModelSurgery}:
 * training thread only.
 */
public final class DjlModelLayers implements ModelLayers {

    private final Block model;
    private final Optional<ModelSurgery> surgery;

    /** A model to look at only (no training owns it): its neurons cannot be operated on. */
    public DjlModelLayers(Block model) {
        this(model, Optional.empty());
    }

    /** The model a training owns, operated on through {@code surgery}. */
    public DjlModelLayers(Block model, Optional<ModelSurgery> surgery) {
        this.model = model;
        this.surgery = surgery;
    }

    @Override
    public List<LayerInfo> layers() {
        List<LayerInfo> layers = new ArrayList<>();
        int id = 0;
        for (Pair<String, Block> child : model.getChildren()) {
            Block block = child.getValue();
            Shape weight = weightShape(block);
            if (block instanceof Convolution conv && weight != null) {
                layers.add(new LayerInfo(id, child.getKey(), "Conv" + (weight.dimension() - 2) + "d", conv.getFilters(),
                        (int) weight.get(1), OptionalInt.of((int) conv.getKernelShape().get(0)),
                        OptionalInt.of((int) conv.getStride().get(0))));
            } else if (block instanceof Linear && weight != null) {
                layers.add(new LayerInfo(id, child.getKey(), "Linear", (int) weight.get(0), (int) weight.get(1),
                        OptionalInt.empty(), OptionalInt.empty()));
            }
            id++;
        }
        return layers;
    }

    @Override
    public LayerWeights weights(int layerId) {
        LayerInfo layer = layer(layerId);
        NDArray weight = weight(model.getChildren().get(layerId).getValue());
        return new LayerWeights(layer, weight.getShape().getShape(), weight.toFloatArray());
    }

    /**
     * Runs {@code input} through the children up to {@code layerId}, one by one, in inference
     * mode; the intermediate arrays live in a scope closed before returning, so nothing stays
     * attached to the model's manager.
     */
    @Override
    public LayerActivations activations(int layerId, ModelInput input) {
        LayerInfo layer = layer(layerId);
        long[] batched = new long[input.shape().length + 1];
        batched[0] = 1;
        System.arraycopy(input.shape(), 0, batched, 1, input.shape().length);
        try (NDManager scope = weight(model.getChildren().get(layerId).getValue()).getManager().newSubManager()) {
            ParameterStore parameters = new ParameterStore(scope, false);
            NDList current = new NDList(scope.create(input.values(), new Shape(batched)));
            for (int i = 0; i <= layerId; i++) {
                current = model.getChildren().get(i).getValue().forward(parameters, current, false);
            }
            NDArray output = current.singletonOrThrow();
            return new LayerActivations(layer, output.getShape().slice(1).getShape(), output.toFloatArray());
        } catch (EngineException | IllegalArgumentException | IllegalStateException e) {
            throw new IllegalArgumentException("The model cannot read an input of shape " + Arrays.toString(input.shape())
                    + ": " + e.getMessage(), e);
        }
    }

    @Override
    public List<NeuronStats> neurons(int layerId) {
        LayerInfo layer = layer(layerId);
        return surgery.map(s -> s.neurons(layer)).orElseGet(() -> IntStream.range(0, layer.neurons())
                .mapToObj(n -> new NeuronStats(n, 0, OptionalDouble.empty(), 1f)).toList());
    }

    @Override
    public void apply(NeuronOperation operation) {
        surgery.orElseThrow(() -> new IllegalStateException("This model is not being trained: its neurons cannot be operated on"))
                .apply(operation, layers());
    }

    private LayerInfo layer(int layerId) {
        return layers().stream().filter(l -> l.id() == layerId).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("No layer with id " + layerId + "; the layer ids are "
                        + layers().stream().map(LayerInfo::id).toList()));
    }

    private static NDArray weight(Block block) {
        for (Pair<String, Parameter> p : block.getParameters()) {
            if (p.getKey().equals("weight") && p.getValue().isInitialized()) {
                return p.getValue().getArray();
            }
        }
        throw new IllegalStateException("The block has no initialized weight");
    }

    private static Shape weightShape(Block block) {
        for (Pair<String, Parameter> p : block.getParameters()) {
            if (p.getKey().equals("weight") && p.getValue().isInitialized()) {
                return p.getValue().getArray().getShape();
            }
        }
        return null;
    }
}
