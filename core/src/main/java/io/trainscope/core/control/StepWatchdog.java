package io.trainscope.core.control;

import io.trainscope.core.Experiment;
import io.trainscope.core.StoppedThreads;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reports a training step that holds the model too long (3 minutes by default): a person
 * sees it in the run's status, and the log says which step and for how long. Once per step.
 */
public final class StepWatchdog implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(StepWatchdog.class);

    private final Experiment experiment;
    private final long limitNanos;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "trainscope-step-watchdog");
        t.setDaemon(true);
        return t;
    });
    private long reportedStep = -1;

    public StepWatchdog(Experiment experiment, Duration limit, Duration checkEvery) {
        this.experiment = experiment;
        this.limitNanos = limit.toNanos();
        timer.scheduleWithFixedDelay(this::check, checkEvery.toMillis(), checkEvery.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void check() {
        long held = experiment.gate().stepHeldNanos(System.nanoTime());
        long step = experiment.step();
        if (held > limitNanos && step != reportedStep) {
            reportedStep = step;
            String message = String.format("Step %d has held the model for %d s (limit %d s): the training may be stuck",
                    step + 1, TimeUnit.NANOSECONDS.toSeconds(held), TimeUnit.NANOSECONDS.toSeconds(limitNanos));
            log.warn(message);
            experiment.setStatus(experiment.status(), message);
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
        StoppedThreads.await(timer);
    }
}
