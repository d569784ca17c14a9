package io.trainscope.core.checkpoints;

/**
 * Where the training loop stands at a step boundary: steps done, the epoch and how far its
 * seeded order has been drawn, and the batch index within the epoch. With the discards of that
 * moment it fixes every batch that follows.
 */
public record LoopPosition(long step, int epoch, int epochPosition, int batchIndex) {}
