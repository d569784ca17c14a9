package io.trainscope.core.samples;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.function.IntPredicate;

/**
 * Draws the training order: a fresh seeded shuffle of all sample indices each epoch, cut
 * into batches of whatever size is asked at each draw (so the batch size can change live),
 * skipping the samples that are discarded at the moment of the draw. Deterministic for a seed
 * and a history of discards, which checkpoints will rely on.
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

    /** Puts the sampler where it stood after drawing {@code position} indices of epoch {@code epoch}'s order. */
    public void moveTo(int epoch, int position) {
        if (epoch < 0 || position < 0 || position > size) {
            throw new IllegalArgumentException("no position " + position + " in epoch " + epoch + " of " + size);
        }
        this.epoch = epoch - 1;
        startEpoch();
        this.position = position;
    }

    /** How many indices of the current epoch's order have been drawn (discarded ones included). */
    public int position() {
        return position;
    }

    /** Goes back to the start of the current epoch's order (when it had nothing to draw). */
    public void rewindEpoch() {
        position = 0;
    }

    /** The next up-to-{@code batchSize} indices of this epoch (fewer at its end). */
    public int[] nextBatch(int batchSize) {
        return nextBatch(batchSize, index -> false);
    }

    /**
     * The next up-to-{@code batchSize} indices of this epoch for which {@code skip} is false;
     * fewer at the epoch's end, and none when every remaining index is skipped.
     */
    public int[] nextBatch(int batchSize, IntPredicate skip) {
        if (epochDone()) {
            throw new IllegalStateException("epoch " + epoch + " is done; call startEpoch()");
        }
        int[] batch = new int[Math.min(batchSize, size - position)];
        int taken = 0;
        while (taken < batch.length && position < size) {
            int index = order[position++];
            if (!skip.test(index)) {
                batch[taken++] = index;
            }
        }
        return taken == batch.length ? batch : Arrays.copyOf(batch, taken);
    }

    public int epoch() {
        return epoch;
    }

    public int size() {
        return size;
    }
}
