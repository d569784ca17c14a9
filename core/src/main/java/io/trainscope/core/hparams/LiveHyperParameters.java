package io.trainscope.core.hparams;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The hyperparameters a person may change while the model trains. Values are validated here;
 * changes are applied on the training thread at a step boundary (through the gate), and every
 * applied change is recorded with its step, so curves can mark where it happened.
 */
public final class LiveHyperParameters {

    public static final int MAX_BATCH_SIZE = 4096;

    private final String experimentName = "Anonymous";
    private volatile float learningRate;
    private volatile int batchSize;
    private volatile int validationBatchSize = 500;
    private volatile int testBatchSize = 500;
    private volatile int fullEvalFrequency;
    private volatile int checkpointFrequency;
    private volatile boolean auditorMode;
    private volatile boolean evaluationMode;
    private final List<HyperParameterChange> history = new ArrayList<>();
    private volatile int changeCount;

    public LiveHyperParameters(float learningRate, int batchSize) {
        this.learningRate = checkLearningRate(learningRate);
        this.batchSize = checkBatchSize(batchSize);
    }

    public String experimentName() {
        return experimentName;
    }

    public float learningRate() {
        return learningRate;
    }

    public int batchSize() {
        return batchSize;
    }

    public int validationBatchSize() {
        return validationBatchSize;
    }

    public int testBatchSize() {
        return testBatchSize;
    }

    /** Steps between two full evaluations; 0 for never. */
    public int fullEvalFrequency() {
        return fullEvalFrequency;
    }

    /** Steps between two checkpoints; 0 for never. */
    public int checkpointFrequency() {
        return checkpointFrequency;
    }

    /** Audit: forward passes and statistics only, no optimizer step. */
    public boolean auditorMode() {
        return auditorMode;
    }

    public boolean evaluationMode() {
        return evaluationMode;
    }

    public void setLearningRate(float value, long step) {
        apply(HyperParameterUpdate.none().withLearningRate(value), step);
    }

    public void setBatchSize(int value, long step) {
        apply(HyperParameterUpdate.none().withBatchSize(value), step);
    }

    /**
     * Applies every present value of {@code update} (training thread, at step boundary
     * {@code step}) and returns the changes made. Throws, changing nothing, when any value is bad.
     * The step budget ({@code stepsToDo}) belongs to the gate and is not applied here.
     */
    public synchronized List<HyperParameterChange> apply(HyperParameterUpdate update, long step) {
        List<String> problems = update.problems();
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems));
        }
        List<HyperParameterChange> changes = new ArrayList<>();
        set(changes, step, "learning_rate", update.learningRate(), learningRate, v -> learningRate = v);
        set(changes, step, "batch_size", update.batchSize(), batchSize, v -> batchSize = v);
        set(changes, step, "val_batch_size", update.validationBatchSize(), validationBatchSize, v -> validationBatchSize = v);
        set(changes, step, "test_batch_size", update.testBatchSize(), testBatchSize, v -> testBatchSize = v);
        set(changes, step, "eval_frequency", update.fullEvalFrequency(), fullEvalFrequency, v -> fullEvalFrequency = v);
        set(changes, step, "checkpoint_frequency", update.checkpointFrequency(), checkpointFrequency,
                v -> checkpointFrequency = v);
        set(changes, step, "auditor_mode", update.auditorMode(), auditorMode, v -> auditorMode = v);
        set(changes, step, "evaluation_mode", update.evaluationMode(), evaluationMode, v -> evaluationMode = v);
        history.addAll(changes);
        changeCount = history.size();
        return changes;
    }

    /** How many changes were applied so far: cheap to read every step. */
    public int changeCount() {
        return changeCount;
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
        return checkBatchSize("batch size", value);
    }

    public static int checkBatchSize(String what, int value) {
        if (value < 1 || value > MAX_BATCH_SIZE) {
            throw new IllegalArgumentException(what + " must be between 1 and " + MAX_BATCH_SIZE + ", got " + value);
        }
        return value;
    }

    /** Applies one value when present, recording the change. */
    private static <T> void set(List<HyperParameterChange> changes, long step, String name, Optional<T> value,
            T current, Consumer<T> setter) {
        value.ifPresent(v -> {
            changes.add(new HyperParameterChange(step, name, String.valueOf(current), String.valueOf(v),
                    System.currentTimeMillis()));
            setter.accept(v);
        });
    }
}
