package io.trainscope.core.hparams;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Hyperparameter changes to apply together at one step boundary; an empty field leaves its
 * value as it is. Checked as a whole first: one bad value and nothing changes.
 *
 * <pre>{@code
 * HyperParameterUpdate.none().withLearningRate(5e-4f).withBatchSize(128)
 * }</pre>
 */
public record HyperParameterUpdate(
        Optional<Float> learningRate,
        Optional<Integer> batchSize,
        Optional<Integer> validationBatchSize,
        Optional<Integer> testBatchSize,
        Optional<Integer> stepsToDo,
        Optional<Integer> fullEvalFrequency,
        Optional<Integer> checkpointFrequency,
        Optional<Boolean> auditorMode,
        Optional<Boolean> evaluationMode) {

    public static HyperParameterUpdate none() {
        Optional<Integer> noInt = Optional.empty();
        return new HyperParameterUpdate(Optional.empty(), noInt, noInt, noInt, noInt, noInt, noInt, Optional.empty(),
                Optional.empty());
    }

    public HyperParameterUpdate withLearningRate(float v) {
        return new HyperParameterUpdate(Optional.of(v), batchSize, validationBatchSize, testBatchSize, stepsToDo,
                fullEvalFrequency, checkpointFrequency, auditorMode, evaluationMode);
    }

    public HyperParameterUpdate withBatchSize(int v) {
        return new HyperParameterUpdate(learningRate, Optional.of(v), validationBatchSize, testBatchSize, stepsToDo,
                fullEvalFrequency, checkpointFrequency, auditorMode, evaluationMode);
    }

    public HyperParameterUpdate withValidationBatchSize(int v) {
        return new HyperParameterUpdate(learningRate, batchSize, Optional.of(v), testBatchSize, stepsToDo,
                fullEvalFrequency, checkpointFrequency, auditorMode, evaluationMode);
    }

    public HyperParameterUpdate withTestBatchSize(int v) {
        return new HyperParameterUpdate(learningRate, batchSize, validationBatchSize, Optional.of(v), stepsToDo,
                fullEvalFrequency, checkpointFrequency, auditorMode, evaluationMode);
    }

    public HyperParameterUpdate withStepsToDo(int v) {
        return new HyperParameterUpdate(learningRate, batchSize, validationBatchSize, testBatchSize, Optional.of(v),
                fullEvalFrequency, checkpointFrequency, auditorMode, evaluationMode);
    }

    public HyperParameterUpdate withFullEvalFrequency(int v) {
        return new HyperParameterUpdate(learningRate, batchSize, validationBatchSize, testBatchSize, stepsToDo,
                Optional.of(v), checkpointFrequency, auditorMode, evaluationMode);
    }

    public HyperParameterUpdate withCheckpointFrequency(int v) {
        return new HyperParameterUpdate(learningRate, batchSize, validationBatchSize, testBatchSize, stepsToDo,
                fullEvalFrequency, Optional.of(v), auditorMode, evaluationMode);
    }

    public HyperParameterUpdate withAuditorMode(boolean v) {
        return new HyperParameterUpdate(learningRate, batchSize, validationBatchSize, testBatchSize, stepsToDo,
                fullEvalFrequency, checkpointFrequency, Optional.of(v), evaluationMode);
    }

    public HyperParameterUpdate withEvaluationMode(boolean v) {
        return new HyperParameterUpdate(learningRate, batchSize, validationBatchSize, testBatchSize, stepsToDo,
                fullEvalFrequency, checkpointFrequency, auditorMode, Optional.of(v));
    }

    public boolean isEmpty() {
        return this.equals(none());
    }

    /** What is wrong with this update, one sentence per bad value; empty when it can be applied. */
    public List<String> problems() {
        List<String> problems = new ArrayList<>();
        learningRate.ifPresent(v -> check(problems, () -> LiveHyperParameters.checkLearningRate(v)));
        batchSize.ifPresent(v -> check(problems, () -> LiveHyperParameters.checkBatchSize(v)));
        validationBatchSize.ifPresent(v -> check(problems, () -> LiveHyperParameters.checkBatchSize("validation batch size", v)));
        testBatchSize.ifPresent(v -> check(problems, () -> LiveHyperParameters.checkBatchSize("test batch size", v)));
        stepsToDo.filter(v -> v < 0).ifPresent(v -> problems.add("training steps to do must not be negative, got " + v));
        fullEvalFrequency.filter(v -> v < 0)
                .ifPresent(v -> problems.add("full evaluation frequency must not be negative (0 turns it off), got " + v));
        checkpointFrequency.filter(v -> v < 0)
                .ifPresent(v -> problems.add("checkpoint frequency must not be negative (0 turns it off), got " + v));
        return problems;
    }

    private static void check(List<String> problems, Runnable check) {
        try {
            check.run();
        } catch (IllegalArgumentException e) {
            problems.add(e.getMessage());
        }
    }
}
