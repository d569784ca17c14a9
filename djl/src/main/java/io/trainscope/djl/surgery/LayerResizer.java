package io.trainscope.djl.surgery;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.nn.BlockList;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.convolutional.Convolution;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.training.Trainer;
import ai.djl.util.Pair;
import io.trainscope.core.checkpoints.Tensor;
import java.lang.reflect.Field;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;

/**
 * Changes how many neurons a layer of a DJL model has: the layer and the next layer with
 * neurons are built again at their new sizes and put in place of the old ones; the kept weights,
 * biases and Adam moments are copied across, new neurons get the layer's initializers, and the
 * next layer's weights from new neurons start at zero, so the model computes the same function
 * until it learns; Adam starts over for the new weights ({@link AdamState#restart}). DJL blocks have fixed sizes and no API to swap a child, so the child list and
 * the trainer's parameter store are reached by reflection. Training thread only.
 */
final class LayerResizer {

    private static final Field CHILDREN = field(AbstractBlock.class, "children");
    private static final Field TRAINER_STORE = field(Trainer.class, "parameterStore");
    private static final Field STORED_PARAMETERS = field(ParameterStore.class, "parameterMap");

    private final Block model;
    private final AdamState adam;
    private final Trainer trainer;

    LayerResizer(Block model, AdamState adam, Trainer trainer) {
        this.model = model;
        this.adam = adam;
        this.trainer = trainer;
    }

    static boolean hasNeurons(Block block) {
        return (block instanceof Linear || block instanceof Convolution) && !parameters(block).isEmpty();
    }

    /** The ids (child positions) of the layers with neurons. */
    static List<Integer> layerIds(Block model) {
        List<Integer> ids = new ArrayList<>();
        for (int i = 0; i < model.getChildren().size(); i++) {
            if (hasNeurons(model.getChildren().get(i).getValue())) {
                ids.add(i);
            }
        }
        return ids;
    }

    /** The block's initialized weight, then its bias when it has one. */
    static List<Parameter> parameters(Block block) {
        List<Parameter> out = new ArrayList<>();
        for (String name : List.of("weight", "bias")) {
            for (Pair<String, Parameter> p : block.getDirectParameters()) {
                if (p.getKey().equals(name) && p.getValue().isInitialized()) {
                    out.add(p.getValue());
                }
            }
        }
        return out;
    }

    /**
     * Layer {@code layer} keeps its neurons {@code keep} (in that order) and gains {@code added}
     * new ones; the next layer with neurons follows.
     *
     * @throws IllegalArgumentException when the layer or the layers after it cannot follow; nothing changed then
     */
    void resize(int layer, int[] keep, int added) {
        Block current = child(layer);
        refuseUnlessRebuildable(current, "Layer " + layer + " (" + kind(current) + ") cannot change size");
        int nextLayer = nextLayer(layer);
        Block next = child(nextLayer);
        refuseUnlessRebuildable(next, "Layer " + nextLayer + " (" + kind(next) + ") reads the neurons of layer " + layer
                + " and cannot follow a change of their number, so layer " + layer + "'s size cannot change");
        List<Parameter> currentParameters = parameters(current);
        List<Parameter> nextParameters = parameters(next);
        int oldRows = (int) currentParameters.get(0).getArray().getShape().get(0);
        long[] nextWeight = nextParameters.get(0).getArray().getShape().getShape();
        long nextInputs = nextWeight[1];
        if (nextInputs % oldRows != 0 || (next instanceof Convolution && nextInputs != oldRows)) {
            throw new IllegalArgumentException("Layer " + nextLayer + " reads " + nextInputs + " inputs, which do not map onto the "
                    + oldRows + " neurons of layer " + layer + "; its size cannot change");
        }
        long perNeuron = nextInputs / oldRows; // a channel's cells after flattening; 1 otherwise
        int rows = keep.length + added;
        long[] nextInput = next instanceof Linear ? new long[] {1, rows * perNeuron}
                : new long[] {1, rows, nextWeight[2], nextWeight[3]};
        Block resized = rebuild(current, rows, inputShape(currentParameters.get(0)));
        Block follower;
        try {
            follower = rebuild(next, (int) nextWeight[0], new Shape(nextInput));
        } catch (RuntimeException e) {
            closeParameters(resized); // they live in the model's manager: nothing may stay of a refused resize
            throw e;
        }
        List<Parameter> resizedParameters = parameters(resized);
        List<Parameter> followerParameters = parameters(follower);
        for (int i = 0; i < currentParameters.size(); i++) {
            Parameter old = currentParameters.get(i);
            Parameter now = resizedParameters.get(i);
            Tensor kept = Slices.rows(tensor(old.getArray()), keep, rows);
            float[] values = now.getArray().toFloatArray(); // new rows keep their fresh initial values
            System.arraycopy(kept.values(), 0, values, 0, keep.length * (values.length / rows));
            now.getArray().set(FloatBuffer.wrap(values));
            adam.move(old.getId(), now.getId(), now.getArray(), t -> Slices.rows(t, keep, rows));
        }
        for (int i = 0; i < nextParameters.size(); i++) {
            Parameter old = nextParameters.get(i);
            Parameter now = followerParameters.get(i);
            boolean weight = i == 0;
            Tensor moved = weight ? Slices.inputs(tensor(old.getArray()), oldRows, keep, rows) : tensor(old.getArray());
            now.getArray().set(FloatBuffer.wrap(moved.values()));
            adam.move(old.getId(), now.getId(), now.getArray(),
                    t -> weight ? Slices.inputs(t, oldRows, keep, rows) : t);
        }
        if (added > 0) { // the next layer's inputs from the new neurons start over, estimated from the kept ones'
            BitSet born = new BitSet();
            born.set(keep.length, rows);
            BitSet kept = new BitSet();
            kept.set(0, keep.length);
            adam.restart(followerParameters.get(0).getId(), (int) nextWeight[0], rows, born, kept);
        }
        replace(layer, resized, currentParameters);
        replace(nextLayer, follower, nextParameters);
    }

    private int nextLayer(int layer) {
        for (int i = layer + 1; i < model.getChildren().size(); i++) {
            Block block = model.getChildren().get(i).getValue();
            if (hasNeurons(block)) {
                return i;
            }
            if (!block.getParameters().isEmpty()) {
                throw new IllegalArgumentException("Layer " + i + " (" + block.getClass().getSimpleName() + ") sits between layer "
                        + layer + " and the next Linear or Conv layer and has parameters; only Linear and Conv2d layers can"
                        + " change size");
            }
        }
        throw new IllegalArgumentException("Layer " + layer + " feeds no later Linear or Conv layer; its size cannot change");
    }

    /**
     * Only Linear and ungrouped Conv2d blocks are rebuilt at another size (a grouped convolution
     * ties channels together; other convolutions have other weight ranks); checked before anything
     * is allocated, so a refusal leaves the model as it was.
     */
    private static void refuseUnlessRebuildable(Block block, String what) {
        boolean rebuildable = block instanceof Linear || block instanceof Conv2d conv && conv.getGroups() == 1;
        if (!rebuildable) {
            throw new IllegalArgumentException(what + ": only Linear and Conv2d layers without groups can change size");
        }
    }

    /** The block's kind as a person reads it: {@code Linear}, {@code Conv1d}, {@code Conv2d with 2 groups}. */
    private static String kind(Block block) {
        String name = block.getClass().getSimpleName();
        return block instanceof Convolution conv && conv.getGroups() > 1 ? name + " with " + conv.getGroups() + " groups" : name;
    }

    /** A new block like {@code block} with {@code rows} neurons, initialized for {@code input} with the old block's initializers. */
    private static Block rebuild(Block block, int rows, Shape input) {
        Block fresh;
        if (block instanceof Conv2d conv) {
            fresh = Conv2d.builder().setKernelShape(conv.getKernelShape()).optStride(conv.getStride())
                    .optPadding(conv.getPadding()).optDilation(conv.getDilation()).setFilters(rows)
                    .optBias(conv.isIncludeBias()).build();
        } else {
            fresh = Linear.builder().setUnits(rows).optBias(parameters(block).size() > 1).build();
        }
        List<Parameter> old = parameters(block);
        fresh.setInitializer(old.get(0).getInitializer(), "weight");
        if (old.size() > 1) {
            fresh.setInitializer(old.get(1).getInitializer(), "bias");
        }
        fresh.initialize(old.get(0).getArray().getManager(), DataType.FLOAT32, input);
        return fresh;
    }

    /** An input shape that gives {@code weight}'s layer the same inputs (only its size matters for the parameters). */
    private static Shape inputShape(Parameter weight) {
        long[] shape = weight.getArray().getShape().getShape();
        return shape.length == 2 ? new Shape(1, shape[1]) : new Shape(1, shape[1], shape[2], shape[3]);
    }

    private static void closeParameters(Block block) {
        block.getParameters().values().forEach(Parameter::close);
    }

    /** Puts {@code block} at child position {@code index}, under the same name, and lets go of the old parameters. */
    private void replace(int index, Block block, List<Parameter> oldParameters) {
        try {
            BlockList children = (BlockList) CHILDREN.get(model);
            children.values().set(index, block);
            @SuppressWarnings("unchecked")
            Map<String, ?> stored = (Map<String, ?>) STORED_PARAMETERS.get(TRAINER_STORE.get(trainer));
            for (Parameter old : oldParameters) {
                stored.remove(old.getId());
                old.close();
            }
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("cannot replace a child block", e);
        }
    }

    private Block child(int index) {
        return model.getChildren().get(index).getValue();
    }

    private static Tensor tensor(NDArray array) {
        return new Tensor(array.getShape().getShape(), array.toFloatArray());
    }

    private static Field field(Class<?> type, String name) {
        try {
            Field field = type.getDeclaredField(name);
            field.setAccessible(true);
            return field;
        } catch (NoSuchFieldException e) {
            throw new ExceptionInInitializerError("DJL's " + type.getSimpleName() + " has no field " + name
                    + ": resizing layers needs DJL 0.34's layout");
        }
    }
}
