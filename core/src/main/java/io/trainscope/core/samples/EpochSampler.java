package io.trainscope.core.samples;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Draws the training order: a fresh seeded shuffle of all sample indices each epoch, cut
 * into batches of whatever size is asked at each draw (so the batch size can change live).
 * Deterministic for a seed, which checkpoints will rely on.
 */
public final class EpochSampler {

    private final int size;
    private final long seed;
    private int[] order;
    private int position;
    private int epoch = -1;

    public EpochSampler(int size, long seed) {
        if (size <= 0) {
            throw new IllegalArgumentException("size must be positive: " + size);
        }
        this.size = size;
        this.seed = seed;
    }

    /** True when the current epoch has no sample left (or none has started). */
    public boolean epochDone() {
        return order == null || position >= size;
    }

    /** Starts the next epoch's shuffle; returns its number, from 0. */
    public int startEpoch() {
        epoch++;
        order = new int[size];
        for (int i = 0; i < size; i++) {
            order[i] = i;
        }
        SplittableRandom random = new SplittableRandom(seed * 1_000_003L + epoch);
        for (int i = size - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        position = 0;
        return epoch;
    }

    /** The next up-to-{@code batchSize} indices of this epoch (fewer at its end). */
    public int[] nextBatch(int batchSize) {
        if (epochDone()) {
            throw new IllegalStateException("epoch " + epoch + " is done; call startEpoch()");
        }
        int end = Math.min(size, position + batchSize);
        int[] batch = Arrays.copyOfRange(order, position, end);
        position = end;
        return batch;
    }

    public int epoch() {
        return epoch;
    }

    public int size() {
        return size;
    }
}
