package io.trainscope.core.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class TrainingGateTest {

    private final TrainingGate gate = new TrainingGate(false);
    private final AtomicLong steps = new AtomicLong();
    private Thread loop;

    private void startLoop() {
        loop = new Thread(() -> {
            long step = 0;
            while (gate.awaitStep(step)) {
                sleepMillis(2); // a "step"
                step++;
                steps.set(step);
            }
            gate.serveUntilClosed(step);
        });
        loop.start();
    }

    @AfterEach
    void stopLoop() throws Exception {
        gate.stop();
        gate.close();
        if (loop != null) {
            loop.join(5000);
        }
    }

    @Test
    void pauseTakesEffectAtTheNextBoundaryAndNoStepRunsAfterTheAcknowledgement() throws Exception {
        startLoop();
        sleepMillis(30);
        long pausedAt = gate.pause().get(1, TimeUnit.SECONDS);
        long afterAck = steps.get();
        sleepMillis(50);
        assertThat(gate.isPaused()).isTrue();
        assertThat(steps.get()).isEqualTo(afterAck).isEqualTo(pausedAt);
    }

    @Test
    void boundaryOnlyCommandsWaitOutLongWorkBetweenSteps() throws Exception {
        CompletableFuture<String> ordinary = gate.submit(step -> "ordinary");
        CompletableFuture<String> boundaryOnly = gate.submitAtBoundary(step -> "moved the loop");
        gate.serveWithinStep(7); // e.g. between two validation batches at the end of an epoch
        assertThat(ordinary).isCompletedWithValue("ordinary");
        assertThat(boundaryOnly).isNotDone();
        startLoop();
        assertThat(boundaryOnly.get(1, TimeUnit.SECONDS)).isEqualTo("moved the loop");
    }

    @Test
    void aCommandQueuedBehindARestoreSeesTheStepTheRestoreMovedTo() throws Exception {
        TrainingGate paused = new TrainingGate(true);
        CompletableFuture<Object> restore = paused.submitAtBoundary(step -> {
            paused.movedTo(5);
            return null;
        });
        CompletableFuture<Long> run = paused.runSteps(3);
        Thread served = new Thread(() -> paused.awaitStep(300));
        served.start();
        restore.get(1, TimeUnit.SECONDS);
        assertThat(run.get(1, TimeUnit.SECONDS)).as("runSteps starts where the restore left the loop").isEqualTo(5);
        assertThat(paused.stepsLeft(5)).isEqualTo(3);
        paused.close();
        served.join(1000);
    }

    @Test
    void resumeContinuesFromThePausedStep() throws Exception {
        startLoop();
        long pausedAt = gate.pause().get(1, TimeUnit.SECONDS);
        long resumedAt = gate.resume().get(1, TimeUnit.SECONDS);
        assertThat(resumedAt).isEqualTo(pausedAt);
        sleepMillis(50);
        assertThat(steps.get()).isGreaterThan(pausedAt);
    }

    @Test
    void commandsRunOnTheTrainingThreadWhilePaused() throws Exception {
        startLoop();
        gate.pause().get(1, TimeUnit.SECONDS);
        String thread = gate.submit(step -> Thread.currentThread().getName()).get(1, TimeUnit.SECONDS);
        assertThat(thread).isEqualTo(loop.getName());
    }

    @Test
    void runStepsRunsExactlyThatManyStepsThenPauses() throws Exception {
        startLoop();
        long from = gate.pause().get(1, TimeUnit.SECONDS);
        gate.runSteps(5).get(1, TimeUnit.SECONDS);
        waitUntil(gate::isPaused);
        sleepMillis(30);
        assertThat(steps.get()).isEqualTo(from + 5);
    }

    @Test
    void stopEndsTheLoopAndLaterCommandsStillAnswerUntilClosed() throws Exception {
        startLoop();
        long stoppedAt = gate.stop().get(1, TimeUnit.SECONDS);
        assertThat(gate.submit(step -> step).get(1, TimeUnit.SECONDS)).isEqualTo(stoppedAt);
        gate.close();
        CompletableFuture<Long> late = gate.submit(step -> step);
        assertThatThrownBy(late::get).isInstanceOf(ExecutionException.class).hasCauseInstanceOf(GateClosedException.class)
                .hasMessageContaining("shut down");
    }

    @Test
    void aWithdrawnCommandNeverRunsAndItsFutureIsCancelled() {
        AtomicLong ran = new AtomicLong();
        CompletableFuture<Long> command = gate.submit(step -> ran.incrementAndGet());

        assertThat(gate.withdraw(command)).isTrue();
        gate.serveWithinStep(3);

        assertThat(ran).hasValue(0);
        assertThat(command).isCancelled();
        assertThat(gate.pendingCommands()).isZero();
        assertThat(gate.withdraw(command)).as("a second withdrawal finds nothing").isFalse();
    }

    @Test
    void aCommandTheTrainingThreadHasStartedCannotBeWithdrawnAndCompletes() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<String> command = gate.submit(step -> {
            started.countDown();
            release.await();
            return "applied";
        });
        startLoop();
        assertThat(started.await(1, TimeUnit.SECONDS)).isTrue();

        assertThat(gate.withdraw(command)).isFalse();
        release.countDown();

        assertThat(command.get(1, TimeUnit.SECONDS)).isEqualTo("applied");
    }

    @Test
    void aFailingCommandFailsItsFutureAndTrainingGoesOn() throws Exception {
        startLoop();
        CompletableFuture<Object> failing = gate.submit(step -> {
            throw new IllegalStateException("boom");
        });
        assertThatThrownBy(() -> failing.get(1, TimeUnit.SECONDS)).hasCauseInstanceOf(IllegalStateException.class);
        long before = steps.get();
        sleepMillis(30);
        assertThat(steps.get()).isGreaterThan(before);
    }

    static void waitUntil(java.util.function.BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within 2 s");
            }
            sleepMillis(1);
        }
    }

    static void sleepMillis(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
