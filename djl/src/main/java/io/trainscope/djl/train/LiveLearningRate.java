package io.trainscope.djl.train;

import ai.djl.training.tracker.Tracker;
import io.trainscope.core.hparams.LiveHyperParameters;

/** Feeds the optimizer the live learning rate: Adam asks on every update, so a change applies at the next step. */
final class LiveLearningRate implements Tracker {

    private final LiveHyperParameters hyperParameters;

    LiveLearningRate(LiveHyperParameters hyperParameters) {
        this.hyperParameters = hyperParameters;
    }

    @Override
    public float getNewValue(int numUpdate) {
        return hyperParameters.learningRate();
    }
}
