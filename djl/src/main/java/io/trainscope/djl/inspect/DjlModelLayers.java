package io.trainscope.djl.inspect;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Convolution;
import ai.djl.nn.core.Linear;
import ai.djl.util.Pair;
import io.trainscope.core.model.LayerInfo;
import io.trainscope.core.model.ModelLayers;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

/**
 * The layers of a DJL sequential model that have neurons (linear and convolution layers), with
 * ids that are their positions among the model's children. Reads parameter shapes of the live
 * model: training thread only.
 */
public final class DjlModelLayers implements ModelLayers {

    private final Block model;

    public DjlModelLayers(Block model) {
        this.model = model;
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

    private static Shape weightShape(Block block) {
        for (Pair<String, Parameter> p : block.getParameters()) {
            if (p.getKey().equals("weight") && p.getValue().isInitialized()) {
                return p.getValue().getArray().getShape();
            }
        }
        return null;
    }
}
