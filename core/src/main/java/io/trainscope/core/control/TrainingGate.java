package io.trainscope.core.control;

import static java.util.Objects.requireNonNull;

import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongFunction;

/**
 * The step boundary of a training loop: the one place where pause, resume, run-N-steps,
 * stop and every queued {@link StepCommand} take effect. Replaces a global lock: other
 * threads never touch the model, they submit commands that the training thread runs here.
 *
 * <pre>{@code
 * while (gate.awaitStep(step)) { trainOneStep(); step++; }
 * gate.serveUntilClosed(step);   // keep answering commands after training ends
 * }</pre>
 */
public final class TrainingGate {

    /** Told on the training thread when the gate parks or unparks. */
    public interface Listener {
        default void paused(long step) {}

        default void resumed(long step) {}
    }

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition commandsArrived = lock.newCondition();
    private final ArrayDeque<Pending<?>> pending = new ArrayDeque<>();
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();

    /** System.nanoTime() when the training thread left the gate to run a step; 0 while it is at the gate. */
    private volatile long stepStartedNanos;
    private volatile boolean paused;
    private volatile boolean stopRequested;
    private volatile boolean closed;
    /** Step at which to park on its own (run N steps); -1 for none. Written on the training thread only. */
    private volatile long pauseAtStep = -1;
    /** The boundary {@link #awaitStep} is serving (written by the training thread). */
    private volatile long atStep;

    public TrainingGate(boolean startPaused) {
        this.paused = startPaused;
    }

    public void addListener(Listener listener) {
        listeners.add(requireNonNull(listener, "listener"));
    }

    /** Runs {@code command} on the training thread at the next step boundary, also while paused. */
    public <T> CompletableFuture<T> submit(StepCommand<T> command) {
        return submit(command, false);
    }

    /**
     * As {@link #submit}, but never in the middle of long work between two steps (an epoch's
     * validation): for commands that move the loop itself, such as restoring a checkpoint.
     */
    public <T> CompletableFuture<T> submitAtBoundary(StepCommand<T> command) {
        return submit(command, true);
    }

    private <T> CompletableFuture<T> submit(StepCommand<T> command, boolean boundaryOnly) {
        requireNonNull(command, "command");
        CompletableFuture<T> result = new CompletableFuture<>();
        lock.lock();
        try {
            if (closed) {
                result.completeExceptionally(new GateClosedException());
                return result;
            }
            pending.add(new Pending<>(command, result, boundaryOnly));
            commandsArrived.signalAll();
        } finally {
            lock.unlock();
        }
        return result;
    }

    /**
     * Takes back a command submitted here that the training thread has not started: it will never
     * run, and {@code submitted} (the future {@link #submit} returned) is cancelled. Returns false
     * when the command has started or ended, or was never queued (refused, or withdrawn before): it
     * then completes as it would have. Lets a caller that gives up on a command be sure it is not
     * applied after the caller was told it failed.
     */
    public boolean withdraw(CompletableFuture<?> submitted) {
        requireNonNull(submitted, "submitted");
        lock.lock();
        try {
            // runPending takes a command out of the queue under this lock before it runs it: one still queued has not started.
            if (!pending.removeIf(p -> p.result() == submitted)) {
                return false;
            }
        } finally {
            lock.unlock();
        }
        submitted.cancel(false);
        return true;
    }

    /** Parks the loop at the next step boundary; completes with that step. */
    public CompletableFuture<Long> pause() {
        return pause(step -> step);
    }

    /**
     * Parks the loop at the next step boundary; completes with {@code answer} of that step. The
     * future is the queued command itself, so a caller that gives up can {@link #withdraw} it.
     */
    public <T> CompletableFuture<T> pause(LongFunction<T> answer) {
        return submit(step -> {
            parkAt(step);
            return answer.apply(step);
        });
    }

    /** Unparks the loop; completes with the step from which training goes on. */
    public CompletableFuture<Long> resume() {
        return resume(step -> step);
    }

    /** Unparks the loop; completes with {@code answer} of the step from which training goes on. */
    public <T> CompletableFuture<T> resume(LongFunction<T> answer) {
        return submit(step -> {
            unparkAt(step);
            return answer.apply(step);
        });
    }

    /** Resumes for {@code steps} steps, then parks again; completes with the starting step. */
    public CompletableFuture<Long> runSteps(int steps) {
        return runSteps(steps, step -> step);
    }

    /** Resumes for {@code steps} steps, then parks again; completes with {@code answer} of the starting step. */
    public <T> CompletableFuture<T> runSteps(int steps, LongFunction<T> answer) {
        if (steps <= 0) {
            throw new IllegalArgumentException("steps must be positive: " + steps);
        }
        return submit(step -> {
            unparkAt(step);
            pauseAtStep = step + steps;
            return answer.apply(step);
        });
    }

    /** Inside a {@link StepCommand}: park at this boundary (and forget any step budget). */
    void parkAt(long step) {
        pauseAtStep = -1;
        if (!paused) {
            paused = true;
            listeners.forEach(l -> l.paused(step));
        }
    }

    /** Inside a {@link StepCommand}: go on training from this boundary (and forget any step budget). */
    void unparkAt(long step) {
        pauseAtStep = -1;
        unpark(step);
    }

    /** Inside a {@link StepCommand}: park by itself once {@code step} steps are done; -1 for never. */
    void pauseAtStep(long step) {
        pauseAtStep = step;
    }

    /** Steps left before the loop parks by itself, or -1 when there is no such budget. */
    public long stepsLeft(long step) {
        long at = pauseAtStep;
        return at < 0 ? -1 : Math.max(0, at - step);
    }

    /** Ends the loop at the next step boundary; completes with that step. */
    public CompletableFuture<Long> stop() {
        return stop(step -> step);
    }

    /** Ends the loop at the next step boundary; completes with {@code answer} of that step. */
    public <T> CompletableFuture<T> stop(LongFunction<T> answer) {
        return submit(step -> {
            stopRequested = true;
            return answer.apply(step);
        });
    }

    public boolean isPaused() {
        return paused;
    }

    /** Commands queued for the next step boundary and not yet run. */
    public int pendingCommands() {
        lock.lock();
        try {
            return pending.size();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Called by the training thread before each step. Runs queued commands, parks while
     * paused (still serving commands) and returns false once a stop was requested.
     */
    public boolean awaitStep(long step) {
        stepStartedNanos = 0;
        atStep = step;
        runPending(true);
        if (pauseAtStep >= 0 && atStep >= pauseAtStep && !stopRequested) {
            pauseAtStep = -1;
            paused = true;
            long parkedAt = atStep;
            listeners.forEach(l -> l.paused(parkedAt));
        }
        while (paused && !stopRequested) {
            waitForCommands();
            runPending(true);
        }
        if (!stopRequested) {
            stepStartedNanos = System.nanoTime();
        }
        return !stopRequested;
    }

    /**
     * Inside a {@link StepCommand} run by {@link #awaitStep}: the loop now stands at {@code step}
     * (a checkpoint was restored), so commands after this one see that step.
     */
    public void movedTo(long step) {
        atStep = step;
        pauseAtStep = -1;
    }

    /** How long the step now running has held the model, or 0 when the training thread is at the gate. */
    public long stepHeldNanos(long nowNanos) {
        long started = stepStartedNanos;
        return started == 0 ? 0 : nowNanos - started;
    }

    /**
     * Runs queued commands without parking, for long work between two steps (an evaluation
     * pass): a pause asked for meanwhile is acknowledged at once and parks at the next
     * {@link #awaitStep}, before any further step.
     */
    public void serveWithinStep(long step) {
        atStep = step;
        runPending(false);
    }

    /**
     * After training ends, the training thread keeps answering commands here (for model
     * reads and the like) until {@link #close()}.
     */
    public void serveUntilClosed(long step) {
        stepStartedNanos = 0;
        atStep = step;
        while (!closed) {
            waitForCommands();
            runPending(true);
        }
        runPending(true);
    }

    /** Ends the loop at its next boundary and stops serving; pending and later commands fail with {@link GateClosedException}. */
    public void close() {
        lock.lock();
        try {
            closed = true;
            stopRequested = true;
            commandsArrived.signalAll();
            Pending<?> next;
            while ((next = pending.poll()) != null) {
                next.result.completeExceptionally(new GateClosedException());
            }
        } finally {
            lock.unlock();
        }
    }

    private void unpark(long step) {
        if (paused) {
            paused = false;
            listeners.forEach(l -> l.resumed(step));
        }
    }

    private void waitForCommands() {
        lock.lock();
        try {
            while (pending.isEmpty() && !closed) {
                commandsArrived.await();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stopRequested = true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Runs queued commands in order; outside a step boundary, those that need one wait for it.
     * Each command sees the step as it is when it runs: an earlier one may have moved the loop.
     */
    private void runPending(boolean atBoundary) {
        while (true) {
            Pending<?> next = null;
            lock.lock();
            try {
                for (Pending<?> candidate : pending) {
                    if (atBoundary || !candidate.boundaryOnly()) {
                        next = candidate;
                        break;
                    }
                }
                if (next != null) {
                    pending.remove(next);
                }
            } finally {
                lock.unlock();
            }
            if (next == null) {
                return;
            }
            next.runAt(atStep);
        }
    }

    private record Pending<T>(StepCommand<T> command, CompletableFuture<T> result, boolean boundaryOnly) {
        void runAt(long step) {
            try {
                result.complete(command.run(step));
            } catch (Throwable t) {
                result.completeExceptionally(t);
            }
        }
    }
}
