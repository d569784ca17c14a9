package io.trainscope.core.hparams;

/** One applied change of a live hyperparameter, at the step boundary where it took effect. */
public record HyperParameterChange(long step, String name, String oldValue, String newValue, long timeMillis) {}
