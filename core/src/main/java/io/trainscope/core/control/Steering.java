package io.trainscope.core.control;

import io.trainscope.core.Experiment;
import io.trainscope.core.hparams.LiveHyperParameters;
import java.util.concurrent.CompletableFuture;

/**
 * What a person can do to a running training, checked and applied at the next step
 * boundary. Every outcome names the step at which it took effect, or says why nothing changed.
 */
public final class Steering {

    /** The answer to a steering request. */
    public record Outcome(boolean success, String message, long step) {
        static Outcome refused(String message, long step) {
            return new Outcome(false, message, step);
        }
    }

    private final Experiment experiment;

    public Steering(Experiment experiment) {
        this.experiment = experiment;
    }

    public CompletableFuture<Outcome> pause() {
        return whileAlive("pause", () -> experiment.gate().pause()
                .thenApply(step -> new Outcome(true, "Paused at step " + step, step)));
    }

    public CompletableFuture<Outcome> resume() {
        return whileAlive("resume", () -> experiment.gate().resume()
                .thenApply(step -> new Outcome(true, "Resumed at step " + step, step)));
    }

    /** Runs {@code steps} more steps, then pauses. */
    public CompletableFuture<Outcome> runSteps(int steps) {
        if (steps <= 0) {
            return refused("steps to run must be positive, got " + steps);
        }
        return whileAlive("run steps", () -> experiment.gate().runSteps(steps)
                .thenApply(step -> new Outcome(true, "Running " + steps + " steps from step " + step
                        + ", then pausing at step " + (step + steps), step)));
    }

    public CompletableFuture<Outcome> stop() {
        return whileAlive("stop", () -> experiment.gate().stop()
                .thenApply(step -> new Outcome(true, "Stopped at step " + step, step)));
    }

    public CompletableFuture<Outcome> changeLearningRate(float value) {
        try {
            LiveHyperParameters.checkLearningRate(value);
        } catch (IllegalArgumentException e) {
            return refused(e.getMessage());
        }
        return whileAlive("change the learning rate", () -> experiment.gate().submit(step -> {
            experiment.hyperParameters().setLearningRate(value, step);
            return new Outcome(true, "Learning rate set to " + value + " at step " + step, step);
        }));
    }

    public CompletableFuture<Outcome> adjustBatchSize(int value) {
        try {
            LiveHyperParameters.checkBatchSize(value);
        } catch (IllegalArgumentException e) {
            return refused(e.getMessage());
        }
        return whileAlive("change the batch size", () -> experiment.gate().submit(step -> {
            experiment.hyperParameters().setBatchSize(value, step);
            return new Outcome(true, "Batch size set to " + value + " from step " + step, step);
        }));
    }

    private CompletableFuture<Outcome> refused(String message) {
        return CompletableFuture.completedFuture(Outcome.refused(message, experiment.step()));
    }

    private CompletableFuture<Outcome> whileAlive(String what, java.util.function.Supplier<CompletableFuture<Outcome>> action) {
        RunStatus status = experiment.status();
        if (status.isFinal()) {
            return refused("Cannot " + what + ": training has ended (" + status + " at step " + experiment.step() + ")");
        }
        return action.get();
    }
}
