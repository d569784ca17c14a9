package io.trainscope.djl.surgery;

import java.util.HashMap;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * Per-neuron counters of one model: the training samples each neuron has been trained on since
 * it was created or reinitialized (its age), and, on the measured steps, in how many samples its output
 * was positive. Training thread only; not part of checkpoints.
 */
final class NeuronActivity {

    private long samplesSeen;
    private final Map<Integer, Counters> layers = new HashMap<>();

    /** One layer's counters, one slot per neuron. */
    private static final class Counters {
        long[] bornAt;
        long[] measured;
        long[] triggered;

        Counters(int neurons, long now) {
            bornAt = new long[neurons];
            java.util.Arrays.fill(bornAt, now);
            measured = new long[neurons];
            triggered = new long[neurons];
        }
    }

    /** A training step saw {@code samples} more samples. */
    void seen(int samples) {
        samplesSeen += samples;
    }

    /** In a measured batch of {@code samples}, neuron {@code n} of {@code layer} was positive in {@code positives[n]}. */
    void measured(int layer, float[] positives, int samples) {
        Counters c = counters(layer, positives.length);
        for (int n = 0; n < positives.length; n++) {
            c.measured[n] += samples;
            c.triggered[n] += Math.round(positives[n]);
        }
    }

    long age(int layer, int neurons, int n) {
        return samplesSeen - counters(layer, neurons).bornAt[n];
    }

    OptionalDouble triggerRate(int layer, int neurons, int n) {
        Counters c = counters(layer, neurons);
        return c.measured[n] == 0 ? OptionalDouble.empty() : OptionalDouble.of((double) c.triggered[n] / c.measured[n]);
    }

    /** The neurons start over: age 0, nothing measured. */
    void reborn(int layer, int neurons, Iterable<Integer> which) {
        Counters c = counters(layer, neurons);
        for (int n : which) {
            c.bornAt[n] = samplesSeen;
            c.measured[n] = 0;
            c.triggered[n] = 0;
        }
    }

    /** The layer now has the old neurons {@code keep}, in that order, then {@code added} new ones. */
    void resized(int layer, int oldNeurons, int[] keep, int added) {
        Counters old = counters(layer, oldNeurons);
        Counters next = new Counters(keep.length + added, samplesSeen);
        for (int i = 0; i < keep.length; i++) {
            next.bornAt[i] = old.bornAt[keep[i]];
            next.measured[i] = old.measured[keep[i]];
            next.triggered[i] = old.triggered[keep[i]];
        }
        layers.put(layer, next);
    }

    /** The layer's counters, started afresh when the layer's size is not the one they count. */
    private Counters counters(int layer, int neurons) {
        Counters c = layers.get(layer);
        if (c == null || c.bornAt.length != neurons) {
            c = new Counters(neurons, c == null ? 0 : samplesSeen);
            layers.put(layer, c);
        }
        return c;
    }
}
