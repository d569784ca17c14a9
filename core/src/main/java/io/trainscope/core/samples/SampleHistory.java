package io.trainscope.core.samples;

/** One sample's recorded training losses, in step order, with the prediction made at each step. */
public record SampleHistory(long[] steps, float[] losses, int[] predictions) {}
