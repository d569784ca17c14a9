package io.trainscope.core.checkpoints;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Everything a training step reads besides the data, copied at a step boundary: the model's
 * parameters and the optimizer's state (Adam's moments and update counts), all keyed by
 * parameter name, which stays the same when the model is built again.
 */
public record ModelState(
        Map<String, Tensor> parameters,
        Map<String, Tensor> firstMoments,
        Map<String, Tensor> secondMoments,
        Map<String, Integer> updateCounts,
        int updates) {

    public ModelState {
        parameters = Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
        firstMoments = Collections.unmodifiableMap(new LinkedHashMap<>(firstMoments));
        secondMoments = Collections.unmodifiableMap(new LinkedHashMap<>(secondMoments));
        updateCounts = Collections.unmodifiableMap(new LinkedHashMap<>(updateCounts));
    }
}
