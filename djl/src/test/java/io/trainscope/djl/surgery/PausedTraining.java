package io.trainscope.djl.surgery;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import io.trainscope.core.Experiment;
import io.trainscope.core.RunDescription;
import io.trainscope.core.control.RunStatus;
import io.trainscope.core.control.StepCommand;
import io.trainscope.core.model.ModelLayers;
import io.trainscope.core.model.NeuronOperation;
import io.trainscope.core.samples.Split;
import io.trainscope.core.signals.HistoryQuery;
import io.trainscope.core.signals.SignalPoint;
import io.trainscope.djl.data.GeneratedShapes;
import io.trainscope.djl.data.ImageDataset;
import io.trainscope.djl.model.ReferenceModels;
import io.trainscope.djl.train.ObservedTraining;
import io.trainscope.djl.train.TrainingOptions;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real training of the small CNN (layer ids 0 Conv 16, 3 Conv 32, 7 Linear 128, 9 Linear per
 * class) on generated shapes, started paused, stepped by the test.
 */
final class PausedTraining implements AutoCloseable {

    /** Training images, drawn in batches of {@link #BATCH_SIZE}; an epoch's last batch is smaller. */
    static final int TRAIN_SIZE = 2_000;
    static final int BATCH_SIZE = 32;

    /** Training samples the first {@code steps} steps draw. */
    static long samplesIn(int steps) {
        int batchesPerEpoch = (TRAIN_SIZE + BATCH_SIZE - 1) / BATCH_SIZE;
        return (long) (steps / batchesPerEpoch) * TRAIN_SIZE + Math.min((long) (steps % batchesPerEpoch) * BATCH_SIZE, TRAIN_SIZE);
    }

    final Experiment experiment;
    final Block block;
    private final Thread thread;

    PausedTraining(Path runDirectory) {
        ImageDataset train = GeneratedShapes.create("shapes/train", TRAIN_SIZE, 1);
        ImageDataset test = GeneratedShapes.create("shapes/test", 50, 2);
        RunDescription description = new RunDescription("small-cnn", train.name(), 50, BATCH_SIZE, 1e-3f, 94, train.size(),
                train.classNames(), "adam");
        experiment = new Experiment(description, true, runDirectory,
                List.of(Split.of(ObservedTraining.TRAIN, train.labels()), Split.of(ObservedTraining.TEST, test.labels())));
        block = ReferenceModels.smallCnn(train.classCount());
        thread = new Thread(new ObservedTraining(experiment, block, train, test, TrainingOptions.epochs(50)),
                "trainscope-training");
        thread.start();
    }

    ModelLayers model() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (experiment.model().isEmpty()) {
            assertThat(System.nanoTime()).as("model built").isLessThan(deadline);
            Thread.sleep(10);
        }
        return experiment.model().get();
    }

    /** Runs {@code steps} steps and returns once training is paused after them. */
    void runSteps(int steps) throws Exception {
        model();
        long target = experiment.step() + steps;
        experiment.gate().runSteps(steps).get(60, TimeUnit.SECONDS);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (!(experiment.step() == target && experiment.gate().isPaused())) {
            assertThat(System.nanoTime()).as("reached step " + target).isLessThan(deadline);
            assertThat(experiment.status()).as("training status").isNotEqualTo(RunStatus.FAILED);
            Thread.sleep(10);
        }
    }

    <T> T onTrainingThread(StepCommand<T> command) throws Exception {
        return experiment.gate().submitAtBoundary(command).get(60, TimeUnit.SECONDS);
    }

    void apply(NeuronOperation operation) throws Exception {
        ModelLayers model = model();
        onTrainingThread(step -> {
            model.apply(operation);
            return null;
        });
    }

    /** A copy of parameter {@code name} ("weight" or "bias") of layer {@code layer}. */
    float[] parameter(int layer, String name) throws Exception {
        return onTrainingThread(step -> {
            Parameter p = block.getChildren().get(layer).getValue().getParameters().get(name);
            return p.getArray().toFloatArray();
        });
    }

    /** The training loss of each step so far, in step order. */
    List<Float> losses() {
        return experiment.signals().history(HistoryQuery.all().withMaxPoints(100_000).withMetrics(List.of("train/loss")))
                .points().stream().map(SignalPoint::value).toList();
    }

    @Override
    public void close() throws Exception {
        experiment.gate().close();
        thread.join(30_000);
        experiment.close();
    }
}
