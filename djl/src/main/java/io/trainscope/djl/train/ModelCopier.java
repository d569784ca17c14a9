package io.trainscope.djl.train;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import io.trainscope.core.checkpoints.ModelState;
import io.trainscope.core.checkpoints.Tensor;
import io.trainscope.djl.surgery.AdamState;
import io.trainscope.djl.surgery.ModelSurgery;
import java.nio.FloatBuffer;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Copies a DJL model's parameters and its Adam optimizer's state out to a {@link ModelState}
 * and back, on the training thread. Adam's state is keyed by parameter ids, which change when
 * a model is built again (or a layer is resized), so the copy is keyed by parameter name. A copy
 * taken at other layer sizes (before or after neurons were added or removed) resizes the layers
 * back to its own sizes when it is put back.
 */
final class ModelCopier {

    private final Block block;
    private final AdamState adam;
    private final ModelSurgery surgery;

    ModelCopier(Block block, AdamState adam, ModelSurgery surgery) {
        this.block = block;
        this.adam = adam;
        this.surgery = surgery;
    }

    ModelState capture() {
        Map<String, Tensor> parameters = new LinkedHashMap<>();
        Map<String, Tensor> means = new LinkedHashMap<>();
        Map<String, Tensor> variances = new LinkedHashMap<>();
        Map<String, Integer> counts = new LinkedHashMap<>();
        Map<String, Map<Device, NDArray>> adamMeans = adam.means();
        Map<String, Map<Device, NDArray>> adamVariances = adam.variances();
        Map<String, Integer> updateCounts = adam.updateCounts();
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
        return new ModelState(parameters, means, variances, counts, adam.updates());
    }

    /** Writes the parameters in place; with {@code withOptimizer}, replaces Adam's state too. */
    void restore(ModelState state, boolean withOptimizer) {
        Map<String, long[]> shapes = new HashMap<>();
        state.parameters().forEach((name, tensor) -> shapes.put(name, tensor.shape()));
        if (parameterNames().equals(state.parameters().keySet())) {
            surgery.resizeTo(shapes);
        }
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
        if (withOptimizer) {
            replaceMoments(adam.means(), state.firstMoments(), byName);
            replaceMoments(adam.variances(), state.secondMoments(), byName);
            Map<String, Integer> counts = adam.updateCounts();
            counts.clear();
            state.updateCounts().forEach((name, count) -> counts.put(byName.get(name).getId(), count));
            adam.setUpdates(state.updates());
        }
        surgery.afterRestore();
    }

    private java.util.Set<String> parameterNames() {
        java.util.Set<String> names = new java.util.HashSet<>();
        block.getParameters().forEach(p -> names.add(p.getKey()));
        return names;
    }

    private static void replaceMoments(Map<String, Map<Device, NDArray>> moments, Map<String, Tensor> saved,
            Map<String, Parameter> byName) {
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
}
