package io.trainscope.djl.surgery;

import static io.trainscope.djl.surgery.ConstantGradientTraining.LEARNING_RATE;
import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import io.trainscope.core.model.NeuronOperation;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Rows whose Adam state starts over (reinitialized, unfrozen, added neurons and the next layer's
 * inputs from them) step no more than a settled row does, however long Adam has run: DJL's bias
 * correction counts the optimizer's updates, not the row's, so zeroed moments alone would make
 * their first steps several times the learning rate. With a constant gradient a settled Adam
 * steps exactly the learning rate.
 */
class RestartedRowsStepSizeTest {

    /** Adam's update count when the surgery happens: its bias correction is then almost 1. */
    private static final int SETTLED = 1000;
    /** Steps watched after the surgery: the first moment's warm-up (β1 = 0.9) is over by then. */
    private static final int WATCHED = 30;

    private static final float[] INPUT = {0.5f, 1f, 1.5f, 0.75f, 1.25f, 0.6f, 1.1f, 0.9f};

    @Test
    void reinitializedRowsNeverStepMoreThanTheLearningRate() {
        try (ConstantGradientTraining training = oneLayer()) {
            training.steps(SETTLED);
            training.apply(NeuronOperation.reinitialize(0, List.of(1, 2)));

            List<float[]> steps = rowSteps(training, 0, 4, WATCHED);

            for (int row : List.of(1, 2)) {
                assertThat(column(steps, row)).as("reinitialized row " + row + ", in learning rates")
                        .allSatisfy(step -> assertThat(step).isLessThanOrEqualTo(1.05f));
                assertThat(steps.get(WATCHED - 1)[row]).as("row " + row + " at full speed again").isGreaterThan(0.9f);
            }
            assertThat(column(steps, 0)).as("an untouched row").allSatisfy(step -> assertThat(step).isBetween(0.99f, 1.01f));
        }
    }

    @Test
    void reinitializingEveryRowEstimatesFromTheRowsOwnHistory() {
        try (ConstantGradientTraining training = oneLayer()) {
            training.steps(SETTLED);
            training.apply(NeuronOperation.reinitialize(0, List.of()));

            List<float[]> steps = rowSteps(training, 0, 4, WATCHED);

            for (int row = 0; row < 4; row++) {
                assertThat(column(steps, row)).as("row " + row).allSatisfy(step -> assertThat(step).isLessThanOrEqualTo(1.05f));
            }
        }
    }

    @Test
    void unfrozenRowsNeverStepMoreThanTheLearningRate() {
        try (ConstantGradientTraining training = oneLayer()) {
            training.steps(10);
            training.apply(NeuronOperation.freeze(0, List.of(3)));
            training.steps(SETTLED);
            training.apply(NeuronOperation.freeze(0, List.of(3))); // toggles: unfrozen

            List<float[]> steps = rowSteps(training, 0, 4, WATCHED);

            assertThat(column(steps, 3)).as("unfrozen row").allSatisfy(step -> assertThat(step).isLessThanOrEqualTo(1.05f));
            assertThat(steps.get(WATCHED - 1)[3]).isGreaterThan(0.9f);
        }
    }

    @Test
    void addedNeuronsAndTheNextLayersInputsFromThemStepNoMoreThanTheLearningRate() {
        try (ConstantGradientTraining training = new ConstantGradientTraining(
                new SequentialBlock().add(Linear.builder().setUnits(4).build()).add(Linear.builder().setUnits(3).build()),
                new Shape(1, INPUT.length), INPUT)) {
            training.steps(SETTLED);
            training.apply(NeuronOperation.add(0, 2));

            List<float[]> added = new ArrayList<>();
            List<float[]> next = new ArrayList<>();
            for (int s = 0; s < WATCHED; s++) {
                Values layer = Values.of(training, 0);
                Values following = Values.of(training, 1);
                training.step();
                added.add(rowMoves(layer, Values.of(training, 0), 6));
                next.add(inputMoves(following, Values.of(training, 1), 3, 6));
            }

            for (int n : List.of(4, 5)) {
                assertThat(column(added, n)).as("added neuron " + n).allSatisfy(step -> assertThat(step).isLessThanOrEqualTo(1.05f));
                assertThat(column(next, n)).as("the next layer's input from neuron " + n)
                        .allSatisfy(step -> assertThat(step).isLessThanOrEqualTo(1.05f));
            }
        }
    }

    private static ConstantGradientTraining oneLayer() {
        return new ConstantGradientTraining(new SequentialBlock().add(Linear.builder().setUnits(4).build()),
                new Shape(1, INPUT.length), INPUT);
    }

    /** A layer's weight and bias at one moment. */
    private record Values(float[] weight, float[] bias) {
        static Values of(ConstantGradientTraining training, int layer) {
            return new Values(training.parameter(layer, "weight"), training.parameter(layer, "bias"));
        }
    }

    /** For each of the next {@code count} steps: per row of layer {@code layer}, the largest move of its weights and bias. */
    private static List<float[]> rowSteps(ConstantGradientTraining training, int layer, int rows, int count) {
        List<float[]> out = new ArrayList<>();
        for (int s = 0; s < count; s++) {
            Values before = Values.of(training, layer);
            training.step();
            out.add(rowMoves(before, Values.of(training, layer), rows));
        }
        return out;
    }

    /** Per row, the largest move of its weights and bias from {@code before} to {@code after}, in learning rates. */
    private static float[] rowMoves(Values before, Values after, int rows) {
        float[] moves = new float[rows];
        int per = before.weight().length / rows;
        for (int r = 0; r < rows; r++) {
            float largest = Math.abs(after.bias()[r] - before.bias()[r]);
            for (int i = r * per; i < (r + 1) * per; i++) {
                largest = Math.max(largest, Math.abs(after.weight()[i] - before.weight()[i]));
            }
            moves[r] = largest / LEARNING_RATE;
        }
        return moves;
    }

    /** Per input of a Linear layer, the largest move of the weights reading it, in learning rates. */
    private static float[] inputMoves(Values before, Values after, int rows, int inputs) {
        float[] moves = new float[inputs];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < inputs; c++) {
                int i = r * inputs + c;
                moves[c] = Math.max(moves[c], Math.abs(after.weight()[i] - before.weight()[i]) / LEARNING_RATE);
            }
        }
        return moves;
    }

    private static List<Float> column(List<float[]> steps, int index) {
        return steps.stream().map(step -> step[index]).toList();
    }
}
