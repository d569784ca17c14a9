package io.trainscope.djl.train;

/** Running sums of one epoch's training steps. Training thread only. */
final class EpochTally {

    private double lossSum;
    private long correct;
    private long samples;
    private int batches;
    private final long startNanos = System.nanoTime();

    void add(float[] losses, int correctInBatch) {
        for (float l : losses) {
            lossSum += l;
        }
        correct += correctInBatch;
        samples += losses.length;
        batches++;
    }

    double averageLoss() {
        return samples == 0 ? Double.NaN : lossSum / samples;
    }

    double averageAccuracy() {
        return samples == 0 ? Double.NaN : (double) correct / samples;
    }

    int batches() {
        return batches;
    }

    double seconds() {
        return (System.nanoTime() - startNanos) / 1e9;
    }
}
