package io.trainscope.djl.surgery;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.optimizer.Adam;
import ai.djl.training.optimizer.Optimizer;
import io.trainscope.core.checkpoints.Tensor;
import java.lang.reflect.Field;
import java.nio.FloatBuffer;
import java.util.BitSet;
import java.util.HashMap;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * Adam's per-parameter state (first and second moments, update counts), keyed by parameter id.
 * DJL keeps it private and offers no API for it, so it is read and changed by reflection here,
 * in one place, for checkpoints and for neuron surgery. Training thread only.
 */
public final class AdamState {

    private static final Field MEANS = field(Adam.class, "means");
    private static final Field VARIANCES = field(Adam.class, "variances");
    private static final Field UPDATE_COUNTS = field(Optimizer.class, "updateCounts");
    private static final Field NUM_UPDATE = field(Optimizer.class, "numUpdate");

    private final Adam adam;

    public AdamState(Adam adam) {
        this.adam = adam;
    }

    /** First moments by parameter id, then device (the live map). */
    public Map<String, Map<Device, NDArray>> means() {
        return moments(MEANS);
    }

    /** Second moments by parameter id, then device (the live map). */
    public Map<String, Map<Device, NDArray>> variances() {
        return moments(VARIANCES);
    }

    /** How many updates each parameter id has had (the live map); Adam's bias correction reads it. */
    @SuppressWarnings("unchecked")
    public Map<String, Integer> updateCounts() {
        try {
            return (Map<String, Integer>) UPDATE_COUNTS.get(adam);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("cannot read Optimizer.updateCounts", e);
        }
    }

    public int updates() {
        try {
            return NUM_UPDATE.getInt(adam);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("cannot read Optimizer.numUpdate", e);
        }
    }

    public void setUpdates(int value) {
        try {
            NUM_UPDATE.setInt(adam, value);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("cannot write Optimizer.numUpdate", e);
        }
    }

    /** Multiplies the first moment of parameter {@code id} by {@code mask} in place (broadcast), where it exists yet. */
    public void multiplyFirstMoment(String id, NDArray mask) {
        Map<Device, NDArray> perDevice = means().get(id);
        if (perDevice != null) {
            perDevice.values().forEach(m -> m.muli(mask));
        }
    }

    /**
     * Adam starts over for some slots of parameter {@code id}, its values seen as
     * {@code [outer][slots][inner]} (a slot is a row, {@code outer} 1; or the inputs a next layer
     * reads from one neuron): the {@code restarted} slots get a first moment of 0 and, value by
     * value, the mean second moment of the slots {@code estimateFrom} (0 when it names none).
     * Nothing happens before Adam's first update (there are no moments yet, and a first update is
     * a fresh start).
     *
     * <p>Why not zero both moments: DJL's bias correction divides by {@code 1 - beta^t} with
     * {@code t} the optimizer's update count (the largest of its parameters'), never a row's, so
     * rows with zeroed moments in a long-running Adam get almost no correction and step
     * {@code (1 - beta1^k) / sqrt(1 - beta2^k)} learning rates at their k-th update (in a long
     * run: 3.2 at the first, 6.5 at the tenth, still 1.3 at the thousandth). A second moment taken from rows that
     * have learned all along is on the same footing as theirs under the same correction, so a
     * restarted row's step is {@code (1 - beta1^k) / (1 - beta1^t)} of a settled row's: it grows
     * to full size over some twenty updates as the first moment fills, and never exceeds it.
     */
    public void restart(String id, int outer, int slots, BitSet restarted, BitSet estimateFrom) {
        Map<Device, NDArray> perDevice = means().get(id);
        if (perDevice != null) {
            perDevice.values().forEach(m -> m.set(FloatBuffer.wrap(clearSlots(m.toFloatArray(), outer, slots, restarted))));
        }
        Map<Device, NDArray> second = variances().get(id);
        if (second != null) {
            second.values().forEach(v -> v.set(FloatBuffer.wrap(
                    meanIntoSlots(v.toFloatArray(), outer, slots, restarted, estimateFrom))));
        }
    }

    private static float[] clearSlots(float[] values, int outer, int slots, BitSet restarted) {
        int inner = values.length / (outer * slots);
        for (int o = 0; o < outer; o++) {
            for (int s = restarted.nextSetBit(0); s >= 0 && s < slots; s = restarted.nextSetBit(s + 1)) {
                java.util.Arrays.fill(values, (o * slots + s) * inner, (o * slots + s + 1) * inner, 0f);
            }
        }
        return values;
    }

    private static float[] meanIntoSlots(float[] values, int outer, int slots, BitSet restarted, BitSet from) {
        int inner = values.length / (outer * slots);
        int count = from.cardinality();
        float[] mean = new float[inner];
        for (int o = 0; o < outer; o++) {
            java.util.Arrays.fill(mean, 0f);
            for (int s = from.nextSetBit(0); s >= 0 && s < slots; s = from.nextSetBit(s + 1)) {
                for (int i = 0; i < inner; i++) {
                    mean[i] += values[(o * slots + s) * inner + i] / count;
                }
            }
            for (int s = restarted.nextSetBit(0); s >= 0 && s < slots; s = restarted.nextSetBit(s + 1)) {
                System.arraycopy(mean, 0, values, (o * slots + s) * inner, inner);
            }
        }
        return values;
    }

    /**
     * Moves parameter {@code oldId}'s moments to {@code newId} through {@code reshape} (a new
     * parameter replaced the old one), with its update count; closes the old moments.
     */
    public void move(String oldId, String newId, NDArray like, UnaryOperator<Tensor> reshape) {
        for (Map<String, Map<Device, NDArray>> moments : java.util.List.of(means(), variances())) {
            Map<Device, NDArray> perDevice = moments.remove(oldId);
            if (perDevice == null || perDevice.isEmpty()) {
                continue;
            }
            NDArray old = perDevice.values().iterator().next();
            Tensor moved = reshape.apply(new Tensor(old.getShape().getShape(), old.toFloatArray()));
            perDevice.values().forEach(NDArray::close);
            Map<Device, NDArray> fresh = new HashMap<>();
            fresh.put(like.getDevice(), like.getManager().create(moved.values(), new Shape(moved.shape())));
            moments.put(newId, fresh);
        }
        Integer count = updateCounts().remove(oldId);
        if (count != null) {
            updateCounts().put(newId, count);
        }
    }

    /** Forgets parameter {@code id}'s moments and count: it starts over, as a new parameter does. */
    public void forget(String id) {
        for (Map<String, Map<Device, NDArray>> moments : java.util.List.of(means(), variances())) {
            Map<Device, NDArray> perDevice = moments.remove(id);
            if (perDevice != null) {
                perDevice.values().forEach(NDArray::close);
            }
        }
        updateCounts().remove(id);
    }

    @SuppressWarnings("unchecked")
    private Map<String, Map<Device, NDArray>> moments(Field field) {
        try {
            return (Map<String, Map<Device, NDArray>>) field.get(adam);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("cannot read Adam." + field.getName(), e);
        }
    }

    private static Field field(Class<?> type, String name) {
        try {
            Field field = type.getDeclaredField(name);
            field.setAccessible(true);
            return field;
        } catch (NoSuchFieldException e) {
            throw new ExceptionInInitializerError("DJL's " + type.getSimpleName() + " has no field " + name
                    + ": checkpoints and neuron surgery need DJL 0.34's optimizer layout");
        }
    }
}
