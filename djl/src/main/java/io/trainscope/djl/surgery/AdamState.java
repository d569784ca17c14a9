package io.trainscope.djl.surgery;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.optimizer.Adam;
import ai.djl.training.optimizer.Optimizer;
import io.trainscope.core.checkpoints.Tensor;
import java.lang.reflect.Field;
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

    /** Multiplies both moments of parameter {@code id} by {@code mask} in place (broadcast), where they exist yet. */
    public void multiplyMoments(String id, NDArray mask) {
        for (Map<String, Map<Device, NDArray>> moments : java.util.List.of(means(), variances())) {
            Map<Device, NDArray> perDevice = moments.get(id);
            if (perDevice != null) {
                perDevice.values().forEach(m -> m.muli(mask));
            }
        }
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
