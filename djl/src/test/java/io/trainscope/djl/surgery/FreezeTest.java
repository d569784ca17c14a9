package io.trainscope.djl.surgery;

import static org.assertj.core.api.Assertions.assertThat;

import io.trainscope.core.model.NeuronOperation;
import io.trainscope.core.model.NeuronStats;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** FREEZE on a real training: frozen rows stop learning exactly, under Adam; freezing again unfreezes (as in WeightsLab). */
class FreezeTest {

    @TempDir
    Path runDirectory;

    @Test
    void frozenNeuronsKeepWeightsAndBiasBitForBitWhileTheOthersLearn() throws Exception {
        try (PausedTraining training = new PausedTraining(runDirectory)) {
            training.runSteps(5); // Adam has moments for every row by now
            training.apply(NeuronOperation.freeze(7, List.of(3, 5)));
            training.apply(NeuronOperation.freeze(0, List.of(2)));
            float[] linear = training.parameter(7, "weight");
            float[] bias = training.parameter(7, "bias");
            float[] conv = training.parameter(0, "weight");

            training.runSteps(30);

            float[] linearAfter = training.parameter(7, "weight");
            float[] biasAfter = training.parameter(7, "bias");
            float[] convAfter = training.parameter(0, "weight");
            int per = linear.length / 128;
            for (int n : List.of(3, 5)) {
                assertThat(row(linearAfter, n, per)).as("frozen neuron " + n).containsExactly(row(linear, n, per));
                assertThat(biasAfter[n]).as("frozen bias " + n).isEqualTo(bias[n]);
            }
            assertThat(row(linearAfter, 4, per)).as("free neuron 4 learns").isNotEqualTo(row(linear, 4, per));
            assertThat(biasAfter[4]).isNotEqualTo(bias[4]);
            assertThat(row(convAfter, 2, 9)).as("frozen filter 2").containsExactly(row(conv, 2, 9));
            assertThat(row(convAfter, 1, 9)).as("free filter 1 learns").isNotEqualTo(row(conv, 1, 9));
            List<NeuronStats> stats = training.onTrainingThread(step -> training.model().neurons(7));
            assertThat(stats).hasSize(128);
            assertThat(stats).filteredOn(NeuronStats::frozen).extracting(NeuronStats::neuron).containsExactly(3, 5);
            assertThat(stats.get(4).learningRate()).isEqualTo(1f);
            assertThat(training.losses()).hasSize(35).allSatisfy(loss -> assertThat(loss).isFinite());
        }
    }

    @Test
    void freezingAFrozenNeuronUnfreezesIt() throws Exception {
        try (PausedTraining training = new PausedTraining(runDirectory)) {
            training.runSteps(3);
            training.apply(NeuronOperation.freeze(7, List.of(3)));
            training.runSteps(3);
            training.apply(NeuronOperation.freeze(7, List.of(3)));
            float[] before = training.parameter(7, "weight");

            training.runSteps(3);

            assertThat(training.onTrainingThread(step -> training.model().neurons(7)).get(3).learningRate()).isEqualTo(1f);
            int per = before.length / 128;
            assertThat(row(training.parameter(7, "weight"), 3, per)).isNotEqualTo(row(before, 3, per));
        }
    }

    @Test
    void freezeWithoutNeuronsTogglesEveryNeuronOfTheLayer() throws Exception {
        try (PausedTraining training = new PausedTraining(runDirectory)) {
            training.runSteps(1);
            training.apply(NeuronOperation.freeze(9, List.of(1)));
            training.apply(NeuronOperation.freeze(9, List.of()));

            List<NeuronStats> stats = training.onTrainingThread(step -> training.model().neurons(9));

            assertThat(stats.get(1).frozen()).as("toggled twice").isFalse();
            assertThat(stats).filteredOn(NeuronStats::frozen).hasSize(stats.size() - 1);
        }
    }

    static float[] row(float[] values, int n, int per) {
        return Arrays.copyOfRange(values, n * per, (n + 1) * per);
    }
}
