package io.trainscope.djl.surgery;

import static io.trainscope.djl.surgery.FreezeTest.row;
import static org.assertj.core.api.Assertions.assertThat;

import io.trainscope.core.checkpoints.Checkpoint;
import io.trainscope.core.model.NeuronOperation;
import io.trainscope.core.model.NeuronStats;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Frozen marks are the live process's, not the checkpoint's: they survive a restore at the same
 * sizes, and a layer the restore puts to another size loses them (the checkpoint's neuron at a
 * position is not the one frozen there).
 */
class FrozenMarksAfterRestoreTest {

    @TempDir
    Path runDirectory;

    @Test
    void aRestoreAtTheSameSizesKeepsTheFrozenNeuronsStill() throws Exception {
        try (PausedTraining training = new PausedTraining(runDirectory)) {
            training.runSteps(3);
            Checkpoint checkpoint = checkpoint(training);
            training.apply(NeuronOperation.freeze(7, List.of(3, 5)));
            training.runSteps(2);

            restore(training, checkpoint);
            float[] restored = training.parameter(7, "weight");
            training.runSteps(3);

            assertThat(frozen(training)).containsExactly(3, 5);
            int per = restored.length / 128;
            assertThat(row(training.parameter(7, "weight"), 3, per)).containsExactly(row(restored, 3, per));
        }
    }

    @Test
    void aRestoreThatPutsALayerToAnotherSizeClearsItsFrozenMarks() throws Exception {
        try (PausedTraining training = new PausedTraining(runDirectory)) {
            training.runSteps(3);
            Checkpoint wide = checkpoint(training);
            training.apply(NeuronOperation.remove(7, List.of(0, 1)));
            training.apply(NeuronOperation.freeze(7, List.of(3, 5)));
            training.apply(NeuronOperation.freeze(0, List.of(2)));
            training.runSteps(2);

            restore(training, wide);

            List<NeuronStats> resized = training.onTrainingThread(step -> training.model().neurons(7));
            List<NeuronStats> same = training.onTrainingThread(step -> training.model().neurons(0));
            assertThat(resized).hasSize(128).noneMatch(NeuronStats::frozen);
            assertThat(same).as("layer 0 kept its size").filteredOn(NeuronStats::frozen).extracting(NeuronStats::neuron)
                    .containsExactly(2);
            float[] restored = training.parameter(7, "weight");
            training.runSteps(2);
            int per = restored.length / 128;
            assertThat(row(training.parameter(7, "weight"), 3, per)).as("neuron 3 learns").isNotEqualTo(row(restored, 3, per));
        }
    }

    private static Checkpoint checkpoint(PausedTraining training) throws Exception {
        return training.onTrainingThread(step -> training.experiment.checkpoints().takeNow()).get(30, TimeUnit.SECONDS);
    }

    private static void restore(PausedTraining training, Checkpoint checkpoint) throws Exception {
        training.onTrainingThread(step -> {
            training.experiment.checkpoints().restoreNow(checkpoint, false);
            return null;
        });
    }

    private static List<Integer> frozen(PausedTraining training) throws Exception {
        return training.onTrainingThread(step -> training.model().neurons(7)).stream().filter(NeuronStats::frozen)
                .map(NeuronStats::neuron).toList();
    }
}
