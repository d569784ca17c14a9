package io.trainscope.djl.surgery;

import static java.util.Objects.requireNonNull;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.Trainer;
import ai.djl.training.initializer.Initializer;
import io.trainscope.core.model.LayerInfo;
import io.trainscope.core.model.NeuronOperation;
import io.trainscope.core.model.NeuronStats;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * Neuron operations on the live DJL model, and what they need at every step: the gradients of
 * frozen neurons are zeroed before each optimizer update, and every {@value #MEASURE_EVERY}th
 * batch is read once more, in inference mode, to count which neurons fire. Training thread only.
 *
 * <p>Freezing is exact under Adam: a frozen row's gradient is zero and its first moment is
 * zeroed when it is frozen, so the first moment stays 0 and Adam's update for the row is
 * {@code lr * 0 / (sqrt(v) + eps) = 0} at every step (its second moment only decays).
 *
 * <p>Rows that start over (reinitialized, unfrozen, added) get a first moment of 0 and the mean
 * second moment of the layer's rows that learned all along, not zeroed moments: DJL corrects
 * Adam's bias by the optimizer's update count, not the row's, and zeroed moments would make
 * their first steps several times the learning rate ({@link AdamState#restart}). Their steps
 * grow to a settled row's size over some twenty updates and never exceed it.
 */
public final class ModelSurgery {

    /**
     * One batch in this many is measured for the trigger rates: an extra inference pass, about a
     * third of a step, so 0.17 % of the time (64 samples every 200 steps is plenty for a rate).
     */
    public static final int MEASURE_EVERY = 200;

    private final Block model;
    private final AdamState adam;
    private final LayerResizer resizer;
    private final Map<Integer, BitSet> frozen = new HashMap<>();
    /** Per layer with frozen neurons: the masks (weight, bias) that zero their rows; built when first needed. */
    private final Map<Integer, NDArray[]> masks = new HashMap<>();
    private final NeuronActivity activity = new NeuronActivity();

    /** {@code trainer} trains {@code model} with the Adam whose state is {@code adam}. */
    public ModelSurgery(Block model, AdamState adam, Trainer trainer) {
        this.model = requireNonNull(model, "model");
        this.adam = requireNonNull(adam, "adam");
        this.resizer = new LayerResizer(model, adam, requireNonNull(trainer, "trainer"));
    }

    /**
     * Applies {@code operation} to the layer it names among {@code layers} (the model's layers now).
     *
     * @throws IllegalArgumentException with the reason when the model cannot take it; nothing changed then
     */
    public void apply(NeuronOperation operation, List<LayerInfo> layers) {
        operation.refusal(layers).ifPresent(reason -> {
            throw new IllegalArgumentException(reason);
        });
        int layer = operation.layerId();
        int neurons = rows(layer);
        List<Integer> named = operation.neurons().isEmpty() ? IntStream.range(0, neurons).boxed().toList() : operation.neurons();
        switch (operation.kind()) {
            case FREEZE -> toggleFrozen(layer, named);
            case REINITIALIZE -> reinitialize(layer, named);
            case REMOVE -> {
                int[] keep = IntStream.range(0, neurons).filter(n -> !named.contains(n)).toArray();
                resize(layer, keep, 0);
            }
            case ADD -> resize(layer, IntStream.range(0, neurons).toArray(), operation.count());
        }
    }

    /** One entry per neuron of {@code layer}. */
    public List<NeuronStats> neurons(LayerInfo layer) {
        BitSet frozenRows = frozen.getOrDefault(layer.id(), new BitSet());
        List<NeuronStats> out = new ArrayList<>(layer.neurons());
        for (int n = 0; n < layer.neurons(); n++) {
            out.add(new NeuronStats(n, activity.age(layer.id(), layer.neurons(), n),
                    activity.triggerRate(layer.id(), layer.neurons(), n), frozenRows.get(n) ? 0f : 1f));
        }
        return out;
    }

    /** Between backward and the optimizer's update: frozen neurons get no gradient. */
    public void beforeUpdate() {
        for (int layer : frozen.keySet()) {
            NDArray[] layerMasks = masks(layer);
            List<Parameter> parameters = parameters(layer);
            for (int i = 0; i < parameters.size(); i++) {
                try (NDArray gradient = parameters.get(i).getArray().getGradient()) {
                    gradient.muli(layerMasks[i]);
                }
            }
        }
    }

    /**
     * After a step that learned from {@code images} ({@code completedSteps} steps done; not after
     * an auditor-mode step, which does not learn, so ages count trained samples): ages grow, and
     * on a measured step of an observed training the batch is read again, layer by layer, to
     * count positive outputs (the extra pass is the observatory's: off with the rest of it).
     * The arrays live in the images' manager, closed with the step.
     */
    public void afterStep(NDArray images, long completedSteps, boolean observing) {
        int samples = (int) images.getShape().get(0);
        activity.seen(samples);
        if (!observing || completedSteps % MEASURE_EVERY != 0) {
            return;
        }
        ParameterStore parameters = new ParameterStore(images.getManager(), false);
        NDList current = new NDList(images);
        for (int i = 0; i < model.getChildren().size(); i++) {
            Block child = model.getChildren().get(i).getValue();
            current = child.forward(parameters, current, false);
            if (LayerResizer.hasNeurons(child)) {
                NDArray output = current.singletonOrThrow();
                NDArray perSample = output.getShape().dimension() > 2 // a channel's map: its mean, as global pooling reads it
                        ? output.reshape(output.getShape().get(0), output.getShape().get(1), -1).mean(new int[] {2}) : output;
                activity.measured(i, perSample.gt(0).toType(DataType.FLOAT32, false).sum(new int[] {0}).toFloatArray(), samples);
            }
        }
    }

    /** After a checkpoint was put back: the optimizer's first moments of frozen neurons are zeroed again. */
    public void afterRestore() {
        closeMasks();
        for (int layer : frozen.keySet()) {
            zeroFirstMoments(layer);
        }
    }

    /**
     * Puts layers to the sizes of {@code weightShapes} (by parameter name), for a checkpoint taken
     * at other sizes. A layer put to another size loses its frozen marks: the checkpoint's neurons
     * at a position are not the ones frozen there now.
     */
    public void resizeTo(Map<String, long[]> weightShapes) {
        List<Integer> layers = LayerResizer.layerIds(model);
        for (int layer : layers.subList(0, Math.max(0, layers.size() - 1))) {
            long[] wanted = weightShapes.get(model.getChildren().get(layer).getKey() + "_weight");
            int now = rows(layer);
            if (wanted != null && wanted[0] != now) {
                int size = (int) wanted[0];
                resize(layer, IntStream.range(0, Math.min(now, size)).toArray(), Math.max(0, size - now));
                BitSet unmarked = frozen.remove(layer);
                closeMasks();
                if (unmarked != null) {
                    restartRows(layer, unmarked, all(size));
                }
            }
        }
    }

    private void toggleFrozen(int layer, List<Integer> neurons) {
        BitSet rows = frozen.computeIfAbsent(layer, l -> new BitSet());
        BitSet unfrozen = (BitSet) rows.clone();
        neurons.forEach(rows::flip);
        unfrozen.andNot(rows);
        if (rows.isEmpty()) {
            frozen.remove(layer);
        }
        closeMasks();
        if (frozen.containsKey(layer)) {
            zeroFirstMoments(layer);
        }
        if (!unfrozen.isEmpty()) {
            restartRows(layer, unfrozen, all(rows(layer)));
        }
    }

    /** Fresh values from the layer's own initializers (drawn at the layer's full shape, so fan-in and fan-out are right). */
    private void reinitialize(int layer, List<Integer> neurons) {
        int rows = rows(layer);
        for (Parameter parameter : parameters(layer)) {
            NDArray array = parameter.getArray();
            float[] values = array.toFloatArray();
            float[] fresh = fresh(parameter, array.getShape());
            int per = values.length / rows;
            for (int n : neurons) {
                System.arraycopy(fresh, n * per, values, n * per, per);
            }
            array.set(FloatBuffer.wrap(values));
        }
        BitSet reborn = new BitSet();
        neurons.forEach(reborn::set);
        restartRows(layer, reborn, all(rows));
        activity.reborn(layer, rows, neurons);
    }

    private void resize(int layer, int[] keep, int added) {
        int before = rows(layer);
        resizer.resize(layer, keep, added);
        BitSet old = frozen.remove(layer);
        if (old != null) {
            BitSet moved = new BitSet();
            for (int i = 0; i < keep.length; i++) {
                moved.set(i, old.get(keep[i]));
            }
            if (!moved.isEmpty()) {
                frozen.put(layer, moved);
            }
        }
        closeMasks();
        if (added > 0) {
            BitSet born = new BitSet();
            born.set(keep.length, keep.length + added);
            restartRows(layer, born, all(keep.length));
        }
        activity.resized(layer, before, keep, added);
    }

    static float[] fresh(Parameter parameter, Shape shape) {
        Initializer initializer = parameter.getInitializer() != null ? parameter.getInitializer() : Initializer.ZEROS;
        NDManager manager = parameter.getArray().getManager();
        try (NDArray drawn = initializer.initialize(manager, shape, DataType.FLOAT32)) {
            return drawn.toFloatArray();
        }
    }

    private void zeroFirstMoments(int layer) {
        NDArray[] layerMasks = masks(layer);
        List<Parameter> parameters = parameters(layer);
        for (int i = 0; i < parameters.size(); i++) {
            adam.multiplyFirstMoment(parameters.get(i).getId(), layerMasks[i]);
        }
    }

    /**
     * Adam starts over for the rows {@code restarted} of {@code layer} ({@link AdamState#restart}),
     * their second moment the mean of the rows that learned all along (neither restarted nor
     * frozen); when there are none (every row restarted or frozen), of the {@code known} rows as
     * they are: a reinitialized row's own history, a frozen row's decaying one.
     */
    private void restartRows(int layer, BitSet restarted, BitSet known) {
        BitSet learning = (BitSet) known.clone();
        learning.andNot(restarted);
        learning.andNot(frozen.getOrDefault(layer, new BitSet()));
        int rows = rows(layer);
        for (Parameter parameter : parameters(layer)) {
            adam.restart(parameter.getId(), 1, rows, restarted, learning.isEmpty() ? known : learning);
        }
    }

    private static BitSet all(int rows) {
        BitSet all = new BitSet();
        all.set(0, rows);
        return all;
    }

    private NDArray[] masks(int layer) {
        return masks.computeIfAbsent(layer, l -> {
            int rows = rows(l);
            float[] keep = new float[rows];
            BitSet frozenRows = frozen.get(l);
            for (int n = 0; n < rows; n++) {
                keep[n] = frozenRows.get(n) ? 0f : 1f;
            }
            return parameters(l).stream().map(p -> rowMask(p.getArray(), keep)).toArray(NDArray[]::new);
        });
    }

    /** {@code keep[n]} for row n, shaped (rows, 1, ..., 1) to broadcast over {@code like}. */
    private static NDArray rowMask(NDArray like, float[] keep) {
        long[] shape = new long[like.getShape().dimension()];
        java.util.Arrays.fill(shape, 1);
        shape[0] = keep.length;
        return like.getManager().create(keep, new Shape(shape));
    }

    private void closeMasks() {
        masks.values().forEach(layerMasks -> java.util.Arrays.stream(layerMasks).forEach(NDArray::close));
        masks.clear();
    }

    private int rows(int layer) {
        return (int) parameters(layer).get(0).getArray().getShape().get(0);
    }

    /** The layer's weight, then its bias when it has one. */
    private List<Parameter> parameters(int layer) {
        return LayerResizer.parameters(model.getChildren().get(layer).getValue());
    }
}
