package io.trainscope.server;

import io.trainscope.core.Experiment;
import io.trainscope.core.RunDescription;
import io.trainscope.core.control.StepWatchdog;
import io.trainscope.core.live.PerformanceMonitor;
import io.trainscope.core.samples.Split;
import io.trainscope.djl.data.ImageDataset;
import io.trainscope.djl.model.ReferenceModels;
import io.trainscope.djl.train.ObservedTraining;
import io.trainscope.djl.train.TrainingOptions;
import java.nio.file.Path;
import io.trainscope.core.control.RunStatus;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import java.util.List;
import java.util.Map;
import io.trainscope.server.data.SampleImages;

/**
 * A running training with its server: the experiment, the training thread and the port,
 * wired together. What {@code trainscope demo} runs, and what end-to-end tests start.
 */
public final class TrainingSession implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TrainingSession.class);
    private static final long PERFORMANCE_PERIOD_MILLIS = 500;
    /** A step holding the model longer than this is reported (seed 000: "exceeded 3 minutes"). */
    private static final Duration STEP_HOLD_LIMIT = Duration.ofMinutes(3);

    private final Experiment experiment;
    private final TrainscopeServer server;
    private final ObservedTraining training;
    private final Thread trainingThread;
    private final PerformanceMonitor performance;
    private final StepWatchdog stepWatchdog;

    private TrainingSession(Experiment experiment, TrainscopeServer server, ObservedTraining training,
            Thread trainingThread, PerformanceMonitor performance, StepWatchdog stepWatchdog) {
        this.experiment = experiment;
        this.server = server;
        this.training = training;
        this.trainingThread = trainingThread;
        this.performance = performance;
        this.stepWatchdog = stepWatchdog;
    }

    /** Starts serving, then training, on {@code train}. */
    public static TrainingSession start(ImageDataset train, ImageDataset test, TrainingOptions options, int batchSize,
            float learningRate, boolean startPaused, ServerSettings settings, Path runDirectory) {
        return start(train, test, Map.of(), options, batchSize, learningRate, startPaused, settings, runDirectory);
    }

    /**
     * Starts serving, then training, on {@code train}, whose samples carry the integer metadata
     * columns {@code trainMetadata} (one value per sample) in the sample table.
     */
    public static TrainingSession start(ImageDataset train, ImageDataset test, Map<String, int[]> trainMetadata,
            TrainingOptions options, int batchSize, float learningRate, boolean startPaused, ServerSettings settings,
            Path runDirectory) {
        int stepsPerEpoch = (train.size() + batchSize - 1) / batchSize;
        RunDescription description = new RunDescription("small-cnn", train.name(), options.epochs(), batchSize,
                learningRate, stepsPerEpoch, train.size(), train.classNames(), "adam");
        List<Split> splits = List.of(new Split(ObservedTraining.TRAIN, train.labels(), trainMetadata),
                Split.of(ObservedTraining.TEST, test.labels()));
        Experiment experiment = new Experiment(description, startPaused, runDirectory, splits);
        TrainscopeServer server = TrainscopeServer.start(experiment, new SampleImages(Map.of(ObservedTraining.TRAIN, train,
                ObservedTraining.TEST, test)), settings);
        ObservedTraining training = new ObservedTraining(experiment, ReferenceModels.smallCnn(train.classCount()), train,
                test, options);
        Thread thread = new Thread(training, "trainscope-training");
        PerformanceMonitor performance = new PerformanceMonitor(experiment.feed(), experiment.meter(), experiment::step,
                PERFORMANCE_PERIOD_MILLIS);
        StepWatchdog stepWatchdog = new StepWatchdog(experiment, STEP_HOLD_LIMIT, Duration.ofSeconds(5));
        thread.start();
        return new TrainingSession(experiment, server, training, thread, performance, stepWatchdog);
    }

    public Experiment experiment() {
        return experiment;
    }

    public TrainscopeServer server() {
        return server;
    }

    public ObservedTraining training() {
        return training;
    }

    /** So a restart on the run directory goes on from here: the newest checkpoint is where training resumes. */
    private void saveFinalCheckpoint() {
        if (!experiment.checkpoints().attached() || experiment.status() == RunStatus.FAILED) {
            return;
        }
        try {
            experiment.gate().submitAtBoundary(step -> experiment.checkpoints().takeNow()).get(30, TimeUnit.SECONDS)
                    .get(30, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            LOG.warn("No checkpoint on close: {}", e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Waits until the training thread has ended (it serves commands until {@link #close()}). */
    public void awaitTrainingThread() throws InterruptedException {
        trainingThread.join();
    }

    @Override
    public void close() throws InterruptedException {
        saveFinalCheckpoint();
        experiment.gate().close();
        trainingThread.join(30_000);
        if (trainingThread.isAlive()) {
            LOG.warn("The training thread did not end within 30 s of close; it is left running");
        }
        performance.close();
        stepWatchdog.close();
        server.close();
        experiment.close();
    }
}
