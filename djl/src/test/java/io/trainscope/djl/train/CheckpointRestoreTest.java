package io.trainscope.djl.train;

import static org.assertj.core.api.Assertions.assertThat;

import io.trainscope.core.Experiment;
import io.trainscope.core.RunDescription;
import io.trainscope.core.checkpoints.Checkpoint;
import io.trainscope.core.checkpoints.Checkpoints;
import io.trainscope.core.checkpoints.ModelState;
import io.trainscope.core.checkpoints.Tensor;
import io.trainscope.core.hparams.HyperParameterUpdate;
import io.trainscope.core.samples.Split;
import io.trainscope.djl.data.GeneratedShapes;
import io.trainscope.djl.data.ImageDataset;
import io.trainscope.djl.model.ReferenceModels;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Restoring a checkpoint and training on repeats the original run exactly: same batches, same
 * optimizer state, so the parameters agree bit for bit.
 */
class CheckpointRestoreTest {

    @TempDir
    Path runDirectory;

    @Test
    void fullRestoreAtStep100ThenTraining200StepsEqualsTheUninterruptedRunAtStep300() throws Exception {
        ImageDataset train = GeneratedShapes.create("shapes/train", 3_000, 1);
        ImageDataset test = GeneratedShapes.create("shapes/test", 100, 2);
        RunDescription description = new RunDescription("small-cnn", train.name(), 50, 32, 1e-3f, 94, train.size(),
                train.classNames(), "adam");
        try (Experiment experiment = new Experiment(description, true, runDirectory,
                List.of(Split.of(ObservedTraining.TRAIN, train.labels()), Split.of(ObservedTraining.TEST, test.labels())))) {
            experiment.hyperParameters().apply(HyperParameterUpdate.none().withCheckpointFrequency(100), 0);
            Thread thread = new Thread(new ObservedTraining(experiment, ReferenceModels.smallCnn(train.classCount()), train,
                    test, TrainingOptions.epochs(50)), "trainscope-training");
            thread.start();
            try {
                Checkpoints checkpoints = experiment.checkpoints();
                String original = experiment.runHash();
                runSteps(experiment, 300);
                Checkpoint at300 = awaitCheckpoint(checkpoints, original, 300);
                Checkpoint at100 = checkpoints.find(original, Optional.of(100L)).orElseThrow();

                experiment.gate().submitAtBoundary(step -> {
                    checkpoints.restoreNow(at100, false);
                    return null;
                }).get(60, TimeUnit.SECONDS);
                assertThat(experiment.step()).isEqualTo(100);
                String branch = experiment.runHash();
                assertThat(branch).isNotEqualTo(original).hasSize(24).startsWith(original.substring(0, 16));
                runSteps(experiment, 200);
                Checkpoint replayed = awaitCheckpoint(checkpoints, branch, 300);

                assertBitIdentical(checkpoints.modelOf(replayed).parameters(), checkpoints.modelOf(at300).parameters());
                assertBitIdentical(checkpoints.modelOf(replayed).firstMoments(), checkpoints.modelOf(at300).firstMoments());
                assertThat(replayed.position()).isEqualTo(at300.position());

                experiment.gate().submitAtBoundary(step -> {
                    checkpoints.restoreNow(at100, true);
                    return null;
                }).get(60, TimeUnit.SECONDS);
                Checkpoint weightsOnly = experiment.gate().submitAtBoundary(step -> checkpoints.takeNow()).get(60, TimeUnit.SECONDS)
                        .get(60, TimeUnit.SECONDS);
                assertThat(weightsOnly.step()).isEqualTo(100);
                assertBitIdentical(checkpoints.modelOf(weightsOnly).parameters(), checkpoints.modelOf(at100).parameters());
            } finally {
                experiment.gate().close();
                thread.join(30_000);
            }
        }
    }

    private static void runSteps(Experiment experiment, int steps) throws Exception {
        long target = experiment.step() + steps;
        experiment.gate().runSteps(steps).get(60, TimeUnit.SECONDS);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
        while (!(experiment.step() == target && experiment.gate().isPaused())) {
            assertThat(System.nanoTime()).as("reached step " + target).isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    private static Checkpoint awaitCheckpoint(Checkpoints checkpoints, String runHash, long step) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            Optional<Checkpoint> found = checkpoints.find(runHash, Optional.of(step));
            if (found.isPresent()) {
                return found.get();
            }
            assertThat(System.nanoTime()).as("checkpoint " + runHash + "@" + step).isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    private static void assertBitIdentical(Map<String, Tensor> actual, Map<String, Tensor> expected) {
        assertThat(actual.keySet()).isEqualTo(expected.keySet()).isNotEmpty();
        for (String name : expected.keySet()) {
            assertThat(Arrays.equals(actual.get(name).values(), expected.get(name).values()))
                    .as("parameter " + name + " bit for bit").isTrue();
        }
    }
}
