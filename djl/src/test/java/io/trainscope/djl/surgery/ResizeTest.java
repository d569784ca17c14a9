package io.trainscope.djl.surgery;

import static io.trainscope.djl.surgery.FreezeTest.row;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.trainscope.core.checkpoints.Checkpoint;
import io.trainscope.core.hparams.HyperParameterUpdate;
import io.trainscope.core.model.LayerInfo;
import io.trainscope.core.model.ModelInput;
import io.trainscope.core.model.NeuronOperation;
import io.trainscope.core.model.NeuronStats;
import io.trainscope.djl.data.GeneratedShapes;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** REINITIALIZE, REMOVE and ADD on a real training: shapes, the next layer following, and training going on. */
class ResizeTest {

    @TempDir
    Path runDirectory;

    @Test
    void reinitializedNeuronsGetFreshWeightsAndTheOthersStay() throws Exception {
        try (PausedTraining training = new PausedTraining(runDirectory)) {
            training.runSteps(5);
            float[] before = training.parameter(3, "weight");
            training.apply(NeuronOperation.reinitialize(3, List.of(0, 31)));
            float[] after = training.parameter(3, "weight");
            int per = 16 * 9;
            assertThat(row(after, 0, per)).isNotEqualTo(row(before, 0, per));
            assertThat(row(after, 31, per)).isNotEqualTo(row(before, 31, per));
            assertThat(row(after, 5, per)).containsExactly(row(before, 5, per));
            assertThat(training.onTrainingThread(step -> training.model().neurons(3)).get(0).age()).isZero();
            training.runSteps(10);
            assertThat(training.losses()).hasSize(15).allSatisfy(loss -> assertThat(loss).isFinite());
        }
    }

    @Test
    void removingConvChannelsShrinksTheLinearLayerAfterTheFlatten() throws Exception {
        try (PausedTraining training = new PausedTraining(runDirectory)) {
            training.runSteps(5);
            float[] linear = training.parameter(7, "weight");
            float[] conv = training.parameter(3, "weight");

            training.apply(NeuronOperation.remove(3, List.of(0, 7)));

            List<LayerInfo> layers = training.onTrainingThread(step -> training.model().layers());
            assertThat(layers.get(1).neurons()).isEqualTo(30);
            assertThat(layers.get(2).incomingNeurons()).isEqualTo(30 * 7 * 7);
            float[] convAfter = training.parameter(3, "weight");
            assertThat(row(convAfter, 0, 16 * 9)).as("old channel 1 is now 0").containsExactly(row(conv, 1, 16 * 9));
            float[] linearAfter = training.parameter(7, "weight");
            // row 0 of the linear layer: old inputs of channel 1 (cells 49..97) are now its first 49 inputs
            assertThat(java.util.Arrays.copyOfRange(linearAfter, 0, 49)).containsExactly(java.util.Arrays.copyOfRange(linear, 49, 98));
            trainsOn(training, 20);
        }
    }

    @Test
    void removingConvFiltersShrinksTheNextConvolutionsInputs() throws Exception {
        try (PausedTraining training = new PausedTraining(runDirectory)) {
            training.runSteps(2);
            training.apply(NeuronOperation.remove(0, List.of(3)));
            List<LayerInfo> layers = training.onTrainingThread(step -> training.model().layers());
            assertThat(layers.get(0).neurons()).isEqualTo(15);
            assertThat(layers.get(1).incomingNeurons()).isEqualTo(15);
            trainsOn(training, 20);
        }
    }

    @Test
    void addedLinearNeuronsLeaveTheOutputUnchangedAtFirstThenLearn() throws Exception {
        try (PausedTraining training = new PausedTraining(runDirectory)) {
            training.runSteps(5);
            ModelInput input = new ModelInput(GeneratedShapes.create("shapes/test", 1, 2).image(0), new long[] {1, 28, 28});
            float[] logits = training.onTrainingThread(step -> training.model().activations(9, input)).values();

            training.apply(NeuronOperation.add(7, 3));

            List<LayerInfo> layers = training.onTrainingThread(step -> training.model().layers());
            assertThat(layers.get(2).neurons()).isEqualTo(131);
            assertThat(layers.get(3).incomingNeurons()).isEqualTo(131);
            float[] same = training.onTrainingThread(step -> training.model().activations(9, input)).values();
            // equal up to float rounding: the matrix product sums over three more (zero) terms
            assertThat(same).containsExactly(logits, org.assertj.core.data.Offset.offset(1e-5f));
            List<NeuronStats> added = training.onTrainingThread(step -> training.model().neurons(7)).subList(128, 131);
            assertThat(added).allSatisfy(n -> assertThat(n.age()).isZero());
            trainsOn(training, 20);
            float[] output = training.parameter(9, "weight");
            assertThat(output[130]).as("the output layer learns to read a new neuron").isNotZero();
        }
    }

    @Test
    void aCheckpointTakenAfterAPruneRestoresAndAnEarlierOneGrowsTheLayerBack() throws Exception {
        try (PausedTraining training = new PausedTraining(runDirectory)) {
            training.runSteps(3);
            Checkpoint before = training.onTrainingThread(step -> training.experiment.checkpoints().takeNow())
                    .get(30, TimeUnit.SECONDS);
            training.apply(NeuronOperation.remove(7, List.of(10, 11)));
            training.runSteps(2);
            Checkpoint pruned = training.onTrainingThread(step -> training.experiment.checkpoints().takeNow())
                    .get(30, TimeUnit.SECONDS);
            float[] prunedWeights = training.parameter(7, "weight");
            training.runSteps(3);

            training.onTrainingThread(step -> {
                training.experiment.checkpoints().restoreNow(pruned, false);
                return null;
            });
            assertThat(training.parameter(7, "weight")).containsExactly(prunedWeights);
            training.onTrainingThread(step -> {
                training.experiment.checkpoints().restoreNow(before, false);
                return null;
            });
            assertThat(training.onTrainingThread(step -> training.model().layers()).get(2).neurons()).isEqualTo(128);
            trainsOn(training, 5);
        }
    }

    @Test
    void aRefusedOperationChangesNothing() throws Exception {
        try (PausedTraining training = new PausedTraining(runDirectory)) {
            training.runSteps(1);
            float[] before = training.parameter(7, "weight");
            assertThatThrownBy(() -> training.apply(NeuronOperation.remove(7, java.util.stream.IntStream.range(0, 128)
                    .boxed().toList()))).isInstanceOf(ExecutionException.class)
                    .hasRootCauseInstanceOf(IllegalArgumentException.class).hasMessageContaining("keep at least one");
            assertThatThrownBy(() -> training.apply(NeuronOperation.add(9, 1))).hasMessageContaining("output layer");
            assertThat(training.parameter(7, "weight")).containsExactly(before);
        }
    }

    @Test
    void triggerRatesAreMeasuredEveryFewStepsAndAgesCountSamples() throws Exception {
        try (PausedTraining training = new PausedTraining(runDirectory)) {
            training.runSteps(ModelSurgery.MEASURE_EVERY);
            List<NeuronStats> stats = training.onTrainingThread(step -> training.model().neurons(7));
            assertThat(stats).allSatisfy(n -> {
                assertThat(n.age()).isEqualTo(PausedTraining.samplesIn(ModelSurgery.MEASURE_EVERY));
                assertThat(n.trainTriggerRate()).isPresent();
                assertThat(n.trainTriggerRate().getAsDouble()).isBetween(0.0, 1.0);
            });
            assertThat(stats).anySatisfy(n -> assertThat(n.trainTriggerRate().getAsDouble()).isGreaterThan(0.0));
        }
    }

    @Test
    void auditorModeStepsDoNotAgeNeurons() throws Exception {
        try (PausedTraining training = new PausedTraining(runDirectory)) {
            training.runSteps(2);
            training.experiment.hyperParameters().apply(HyperParameterUpdate.none().withAuditorMode(true), 2);
            training.runSteps(3); // look, do not learn
            training.experiment.hyperParameters().apply(HyperParameterUpdate.none().withAuditorMode(false), 5);
            training.runSteps(1);

            assertThat(training.onTrainingThread(step -> training.model().neurons(7)).get(0).age())
                    .as("the samples of the 3 learning steps only").isEqualTo(PausedTraining.samplesIn(3));
        }
    }

    private static void trainsOn(PausedTraining training, int steps) throws Exception {
        int before = training.losses().size();
        training.runSteps(steps);
        List<Float> losses = training.losses();
        assertThat(losses).hasSize(before + steps).allSatisfy(loss -> assertThat(loss).isFinite());
        float early = losses.get(before);
        float late = losses.subList(losses.size() - 3, losses.size()).stream().reduce(0f, Float::sum) / 3;
        assertThat(late).as("loss goes down after the surgery").isLessThan(early * 1.2f);
    }
}
