package io.trainscope.core;

import java.util.List;

/** What is being trained, and how: shown to every client on connect. */
public record RunDescription(
        String modelName,
        String datasetName,
        int totalEpochs,
        int batchSize,
        float learningRate,
        int stepsPerEpoch,
        int trainSamples,
        List<String> classNames,
        String optimizer) {

    public RunDescription {
        classNames = List.copyOf(classNames);
    }
}
