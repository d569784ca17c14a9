package io.trainscope.djl.train;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.optimizer.Adam;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.util.Pair;
import io.trainscope.core.checkpoints.ModelState;
import io.trainscope.core.checkpoints.Tensor;
import java.lang.reflect.Field;
import java.nio.FloatBuffer;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Copies a DJL model's parameters and its Adam optimizer's state out to a {@link ModelState}
 * and back, on the training thread. DJL has no API for the optimizer's state, so its private
 * maps are read and replaced by reflection; they are keyed by parameter ids, which change when
 * a model is built again, so the copy is keyed by parameter name.
 */
final class ModelCopier {

    private static final Field MEANS = field(Adam.class, "means");
    private static final Field VARIANCES = field(Adam.class, "variances");
    private static final Field UPDATE_COUNTS = field(Optimizer.class, "updateCounts");
    private static final Field NUM_UPDATE = field(Optimizer.class, "numUpdate");

    private final Block block;
    private final Adam adam;

    ModelCopier(Block block, Adam adam) {
        this.block = block;
        this.adam = adam;
    }

    ModelState capture() {
        Map<String, Tensor> parameters = new LinkedHashMap<>();
        Map<String, Tensor> means = new LinkedHashMap<>();
        Map<String, Tensor> variances = new LinkedHashMap<>();
        Map<String, Integer> counts = new LinkedHashMap<>();
        Map<String, Map<Device, NDArray>> adamMeans = moments(MEANS);
        Map<String, Map<Device, NDArray>> adamVariances = moments(VARIANCES);
        Map<String, Integer> updateCounts = updateCounts();
        for (Pair<String, Parameter> entry : block.getParameters()) {
            String name = entry.getKey();
            Parameter parameter = entry.getValue();
            parameters.put(name, copy(parameter.getArray()));
            copyMoment(adamMeans, parameter.getId(), name, means);
            copyMoment(adamVariances, parameter.getId(), name, variances);
            Integer count = updateCounts.get(parameter.getId());
            if (count != null) {
                counts.put(name, count);
            }
        }
        return new ModelState(parameters, means, variances, counts, getInt(NUM_UPDATE));
    }

    /** Writes the parameters in place; with {@code withOptimizer}, replaces Adam's state too. */
    void restore(ModelState state, boolean withOptimizer) {
        Map<String, Parameter> byName = new HashMap<>();
        for (Pair<String, Parameter> entry : block.getParameters()) {
            byName.put(entry.getKey(), entry.getValue());
        }
        if (!byName.keySet().equals(state.parameters().keySet())) {
            throw new IllegalArgumentException("the checkpoint's parameters " + state.parameters().keySet()
                    + " are not this model's " + byName.keySet());
        }
        for (Map.Entry<String, Tensor> entry : state.parameters().entrySet()) {
            NDArray array = byName.get(entry.getKey()).getArray();
            if (!array.getShape().equals(new Shape(entry.getValue().shape()))) {
                throw new IllegalArgumentException("parameter " + entry.getKey() + " has shape " + array.getShape()
                        + ", the checkpoint " + new Shape(entry.getValue().shape()));
            }
        }
        for (Map.Entry<String, Tensor> entry : state.parameters().entrySet()) {
            byName.get(entry.getKey()).getArray().set(FloatBuffer.wrap(entry.getValue().values()));
        }
        if (!withOptimizer) {
            return;
        }
        replaceMoments(MEANS, state.firstMoments(), byName);
        replaceMoments(VARIANCES, state.secondMoments(), byName);
        Map<String, Integer> counts = updateCounts();
        counts.clear();
        state.updateCounts().forEach((name, count) -> counts.put(byName.get(name).getId(), count));
        setInt(NUM_UPDATE, state.updates());
    }

    private void replaceMoments(Field field, Map<String, Tensor> saved, Map<String, Parameter> byName) {
        Map<String, Map<Device, NDArray>> moments = moments(field);
        moments.values().forEach(perDevice -> perDevice.values().forEach(NDArray::close));
        moments.clear();
        for (Map.Entry<String, Tensor> entry : saved.entrySet()) {
            NDArray like = byName.get(entry.getKey()).getArray();
            NDManager manager = like.getManager();
            NDArray array = manager.create(entry.getValue().values(), new Shape(entry.getValue().shape()));
            Map<Device, NDArray> perDevice = new HashMap<>();
            perDevice.put(like.getDevice(), array);
            moments.put(byName.get(entry.getKey()).getId(), perDevice);
        }
    }

    private static void copyMoment(Map<String, Map<Device, NDArray>> moments, String id, String name, Map<String, Tensor> into) {
        Map<Device, NDArray> perDevice = moments.get(id);
        if (perDevice != null && !perDevice.isEmpty()) {
            into.put(name, copy(perDevice.values().iterator().next()));
        }
    }

    private static Tensor copy(NDArray array) {
        return new Tensor(array.getShape().getShape(), array.toFloatArray());
    }

    @SuppressWarnings("unchecked")
    private Map<String, Map<Device, NDArray>> moments(Field field) {
        try {
            return (Map<String, Map<Device, NDArray>>) field.get(adam);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("cannot read Adam." + field.getName(), e);
        }
    }

    @SuppressWarnings("unchecked")
    private Map<String, Integer> updateCounts() {
        try {
            return (Map<String, Integer>) UPDATE_COUNTS.get(adam);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("cannot read Optimizer.updateCounts", e);
        }
    }

    private int getInt(Field field) {
        try {
            return field.getInt(adam);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("cannot read Optimizer." + field.getName(), e);
        }
    }

    private void setInt(Field field, int value) {
        try {
            field.setInt(adam, value);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("cannot write Optimizer." + field.getName(), e);
        }
    }

    private static Field field(Class<?> type, String name) {
        try {
            Field field = type.getDeclaredField(name);
            field.setAccessible(true);
            return field;
        } catch (NoSuchFieldException e) {
            throw new ExceptionInInitializerError("DJL's " + type.getSimpleName() + " has no field " + name
                    + ": checkpoints need DJL 0.34's optimizer layout");
        }
    }
}
