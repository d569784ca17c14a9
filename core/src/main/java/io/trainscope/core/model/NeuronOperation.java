package io.trainscope.core.model;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

/**
 * One change to the neurons (output units or channels) of one layer, as ManipulateWeights asks
 * for it. {@code neurons} are sorted and unique; empty means the whole layer for FREEZE and
 * REINITIALIZE. {@code count} is how many neurons ADD appends (0 for the other kinds).
 *
 * <pre>{@code
 * NeuronOperation op = NeuronOperation.freeze(7, List.of(3, 5));
 * op.refusal(model.layers()).ifPresent(reason -> { throw new IllegalArgumentException(reason); });
 * }</pre>
 */
public record NeuronOperation(Kind kind, int layerId, List<Integer> neurons, int count) {

    /** The most neurons one ADD may append: a layer that grows past this is a typo, not a wish. */
    public static final int MAX_NEURONS_TO_ADD = 512;

    /** What the operation does to the named neurons. */
    public enum Kind {
        /** Toggles learning: a frozen neuron's weights and bias stop changing; freezing it again unfreezes it. */
        FREEZE,
        /** Fresh initial weights and bias, with the optimizer's state for them reset. */
        REINITIALIZE,
        /** Removes the neurons; the next layer loses the inputs they fed. */
        REMOVE,
        /** Appends {@code count} neurons; the next layer gains inputs whose weights start at zero. */
        ADD
    }

    public NeuronOperation {
        requireNonNull(kind, "kind");
        neurons = List.copyOf(new TreeSet<>(requireNonNull(neurons, "neurons")));
    }

    public static NeuronOperation freeze(int layerId, List<Integer> neurons) {
        return new NeuronOperation(Kind.FREEZE, layerId, neurons, 0);
    }

    public static NeuronOperation reinitialize(int layerId, List<Integer> neurons) {
        return new NeuronOperation(Kind.REINITIALIZE, layerId, neurons, 0);
    }

    public static NeuronOperation remove(int layerId, List<Integer> neurons) {
        return new NeuronOperation(Kind.REMOVE, layerId, neurons, 0);
    }

    public static NeuronOperation add(int layerId, int count) {
        return new NeuronOperation(Kind.ADD, layerId, List.of(), count);
    }

    /** Whether the operation changes the shapes of this layer and of the next one. */
    public boolean changesShapes() {
        return kind == Kind.REMOVE || kind == Kind.ADD;
    }

    /**
     * Why the model whose layers are {@code layers} cannot take this operation, in words a person
     * can act on; empty when it can.
     */
    public Optional<String> refusal(List<LayerInfo> layers) {
        LayerInfo layer = layers.stream().filter(l -> l.id() == layerId).findFirst().orElse(null);
        if (layer == null) {
            return Optional.of("No layer with id " + layerId + "; the layer ids are " + layers.stream().map(LayerInfo::id).toList()
                    + " (only Linear and Conv layers have neurons to operate on)");
        }
        String named = "Layer " + layerId + " (" + layer.type() + ")";
        for (int n : neurons) {
            if (n < 0 || n >= layer.neurons()) {
                return Optional.of(named + " has neurons 0.." + (layer.neurons() - 1) + "; neuron " + n + " does not exist");
            }
        }
        boolean last = layers.get(layers.size() - 1).id() == layerId;
        return switch (kind) {
            case FREEZE, REINITIALIZE -> Optional.empty();
            case REMOVE -> {
                if (last) {
                    yield Optional.of(outputLayer(named));
                } else if (neurons.isEmpty()) {
                    yield Optional.of("Name the neurons to remove in neuron_ids; " + named + " has neurons 0.."
                            + (layer.neurons() - 1));
                } else if (neurons.size() >= layer.neurons()) {
                    yield Optional.of("Removing all " + layer.neurons() + " neurons of " + named
                            + " would cut the model in two; keep at least one");
                }
                yield Optional.empty();
            }
            case ADD -> {
                if (last) {
                    yield Optional.of(outputLayer(named));
                } else if (count < 1 || count > MAX_NEURONS_TO_ADD) {
                    yield Optional.of("neurons_to_add must be 1.." + MAX_NEURONS_TO_ADD + ", not " + count);
                }
                yield Optional.empty();
            }
        };
    }

    private static String outputLayer(String named) {
        return named + " is the model's output layer (one neuron per class): its size cannot change";
    }

    /** The operation in a few words, for replies and the audit log. */
    public String describe() {
        String which = neurons.isEmpty() ? "every neuron" : (neurons.size() == 1 ? "neuron " : "neurons ") + joined();
        return switch (kind) {
            case FREEZE -> "Toggled freezing of " + which + " of layer " + layerId;
            case REINITIALIZE -> "Reinitialized " + which + " of layer " + layerId;
            case REMOVE -> "Removed " + which + " of layer " + layerId;
            case ADD -> "Added " + count + " neuron" + (count == 1 ? "" : "s") + " to layer " + layerId;
        };
    }

    private String joined() {
        return String.join(", ", neurons.stream().map(String::valueOf).toList());
    }
}
