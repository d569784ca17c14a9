package io.trainscope.core.control;

import io.trainscope.core.Experiment;
import io.trainscope.core.hparams.HyperParameterChange;
import io.trainscope.core.hparams.HyperParameterUpdate;
import io.trainscope.core.hparams.LiveHyperParameters;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * What a person can do to a running training, checked and applied at the next step
 * boundary. Every outcome names the step at which it took effect, or says why nothing changed.
 */
public final class Steering {

    /** How a steering request ended. */
    public enum Result {
        /** Applied at {@link Outcome#step()}. */
        APPLIED,
        /** The request itself is wrong (a NaN learning rate, say); nothing changed. */
        INVALID,
        /** The request is fine but the run cannot take it now (it has ended); nothing changed. */
        NOT_NOW
    }

    /** The answer to a steering request. */
    public record Outcome(Result result, String message, long step) {
        static Outcome applied(String message, long step) {
            return new Outcome(Result.APPLIED, message, step);
        }

        public boolean success() {
            return result == Result.APPLIED;
        }
    }

    private final Experiment experiment;

    public Steering(Experiment experiment) {
        this.experiment = experiment;
    }

    // Each request's future is the one the gate returned, so a caller that gives up can withdraw it (TrainingGate.withdraw).

    public CompletableFuture<Outcome> pause() {
        return whileAlive("pause", () -> experiment.gate().pause(step -> Outcome.applied("Paused at step " + step, step)));
    }

    public CompletableFuture<Outcome> resume() {
        return whileAlive("resume", () -> experiment.gate().resume(step -> Outcome.applied("Resumed at step " + step, step)));
    }

    /** Runs {@code steps} more steps, then pauses. */
    public CompletableFuture<Outcome> runSteps(int steps) {
        if (steps <= 0) {
            return invalid("steps to run must be positive, got " + steps);
        }
        return whileAlive("run steps", () -> experiment.gate().runSteps(steps, step -> Outcome.applied(
                "Running " + steps + " steps from step " + step + ", then pausing at step " + (step + steps), step)));
    }

    public CompletableFuture<Outcome> stop() {
        return whileAlive("stop", () -> experiment.gate().stop(step -> Outcome.applied("Stopped at step " + step, step)));
    }

    public CompletableFuture<Outcome> changeLearningRate(float value) {
        try {
            LiveHyperParameters.checkLearningRate(value);
        } catch (IllegalArgumentException e) {
            return invalid(e.getMessage());
        }
        return whileAlive("change the learning rate", () -> experiment.gate().submit(step -> {
            experiment.hyperParameters().setLearningRate(value, step);
            return Outcome.applied("Learning rate set to " + value + " at step " + step, step);
        }));
    }

    public CompletableFuture<Outcome> adjustBatchSize(int value) {
        try {
            LiveHyperParameters.checkBatchSize(value);
        } catch (IllegalArgumentException e) {
            return invalid(e.getMessage());
        }
        return whileAlive("change the batch size", () -> experiment.gate().submit(step -> {
            experiment.hyperParameters().setBatchSize(value, step);
            return Outcome.applied("Batch size set to " + value + " from step " + step, step);
        }));
    }

    /**
     * Applies hyperparameter changes and a run-state change together at the next step
     * boundary: {@code training} false pauses, true resumes; {@code steps} (with or without
     * {@code training}) runs that many steps, then pauses. Nothing changes when any part is bad.
     */
    public CompletableFuture<Outcome> change(HyperParameterUpdate update, Optional<Boolean> training,
            Optional<Integer> steps) {
        List<String> problems = new ArrayList<>(update.problems());
        steps.filter(n -> n <= 0).ifPresent(n -> problems.add("steps to run must be positive, got " + n));
        if (steps.isPresent() && training.equals(Optional.of(false))) {
            problems.add("steps to run cannot go with is_training=false (pause)");
        }
        if (!problems.isEmpty()) {
            return invalid(String.join("; ", problems));
        }
        if (update.isEmpty() && training.isEmpty() && steps.isEmpty()) {
            return invalid("no hyperparameter given: set at least one field");
        }
        return whileAlive("change hyperparameters", () -> experiment.gate().submit(step -> {
            TrainingGate gate = experiment.gate();
            List<String> done = new ArrayList<>();
            for (HyperParameterChange c : experiment.hyperParameters().apply(update, step)) {
                done.add(c.name() + " " + c.oldValue() + " → " + c.newValue());
            }
            update.stepsToDo().ifPresent(n -> {
                gate.pauseAtStep(n == 0 ? -1 : step + n);
                done.add(n == 0 ? "no step budget" : "pausing after " + n + " more steps");
            });
            boolean pause = training.equals(Optional.of(false)) || update.evaluationMode().equals(Optional.of(true));
            if (pause) {
                gate.parkAt(step);
                done.add("paused");
            } else if (training.equals(Optional.of(true)) || steps.isPresent()) {
                gate.unparkAt(step);
                steps.ifPresent(n -> gate.pauseAtStep(step + n));
                done.add(steps.map(n -> "running " + n + " steps, then pausing at step " + (step + n)).orElse("resumed"));
            }
            return Outcome.applied("Applied at step " + step + ": " + String.join(", ", done), step);
        }));
    }

    private CompletableFuture<Outcome> invalid(String message) {
        return CompletableFuture.completedFuture(new Outcome(Result.INVALID, message, experiment.step()));
    }

    private CompletableFuture<Outcome> whileAlive(String what, Supplier<CompletableFuture<Outcome>> action) {
        RunStatus status = experiment.status();
        if (status.isFinal()) {
            return CompletableFuture.completedFuture(new Outcome(Result.NOT_NOW,
                    "Cannot " + what + ": training has ended (" + status + " at step " + experiment.step() + ")",
                    experiment.step()));
        }
        return action.get();
    }
}
