package io.trainscope.core.hparams;

import java.util.ArrayList;
import java.util.List;

/**
 * The hyperparameters a person may change while the model trains. Values are validated here;
 * setters are meant to be called on the training thread at a step boundary (through the
 * gate), and every applied change is recorded with its step.
 */
public final class LiveHyperParameters {

    public static final int MAX_BATCH_SIZE = 4096;

    private volatile float learningRate;
    private volatile int batchSize;
    private final List<HyperParameterChange> history = new ArrayList<>();

    public LiveHyperParameters(float learningRate, int batchSize) {
        this.learningRate = checkLearningRate(learningRate);
        this.batchSize = checkBatchSize(batchSize);
    }

    public float learningRate() {
        return learningRate;
    }

    public int batchSize() {
        return batchSize;
    }

    public void setLearningRate(float value, long step) {
        checkLearningRate(value);
        record(step, "learning_rate", learningRate, value);
        learningRate = value;
    }

    public void setBatchSize(int value, long step) {
        checkBatchSize(value);
        record(step, "batch_size", batchSize, value);
        batchSize = value;
    }

    public synchronized List<HyperParameterChange> history() {
        return List.copyOf(history);
    }

    /** Throws with a message a person can act on when {@code value} is not a usable learning rate. */
    public static float checkLearningRate(float value) {
        if (!Float.isFinite(value) || value <= 0 || value > 10) {
            throw new IllegalArgumentException("learning rate must be a finite number in (0, 10], got " + value);
        }
        return value;
    }

    public static int checkBatchSize(int value) {
        if (value < 1 || value > MAX_BATCH_SIZE) {
            throw new IllegalArgumentException("batch size must be between 1 and " + MAX_BATCH_SIZE + ", got " + value);
        }
        return value;
    }

    private synchronized void record(long step, String name, Object oldValue, Object newValue) {
        history.add(new HyperParameterChange(step, name, String.valueOf(oldValue), String.valueOf(newValue),
                System.currentTimeMillis()));
    }
}
