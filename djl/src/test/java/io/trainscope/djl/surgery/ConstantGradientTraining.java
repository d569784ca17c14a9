package io.trainscope.djl.surgery;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Adam;
import ai.djl.training.optimizer.Optimizer;
import io.trainscope.core.model.NeuronOperation;
import io.trainscope.djl.inspect.DjlModelLayers;
import java.util.Optional;

/**
 * A real DJL training under Adam (lr {@link #LEARNING_RATE}) of a small model on one fixed input,
 * with the loss the sum of the outputs: the gradient of the last layer's weights and bias is the
 * same at every step, so a settled Adam moves each of them by exactly the learning rate per step.
 * The model's neurons are operated on through the same {@link ModelSurgery} a training uses.
 */
final class ConstantGradientTraining implements AutoCloseable {

    static final float LEARNING_RATE = 1e-3f;

    private final Model model;
    private final Trainer trainer;
    private final NDArray input;
    private final ModelSurgery surgery;
    final DjlModelLayers layers;

    /** {@code block} reads inputs of {@code inputShape} (batch of one first); {@code input} is the one it trains on. */
    ConstantGradientTraining(Block block, Shape inputShape, float[] input) {
        model = Model.newInstance("constant-gradient");
        model.setBlock(block);
        Adam adam = Optimizer.adam().build(); // DJL's default: a fixed lr of 1e-3
        trainer = model.newTrainer(new DefaultTrainingConfig(Loss.l2Loss()).optOptimizer(adam)
                .optDevices(new Device[] {Device.cpu()}));
        trainer.initialize(inputShape);
        this.input = trainer.getManager().create(input, inputShape);
        surgery = new ModelSurgery(block, new AdamState(adam), trainer);
        layers = new DjlModelLayers(block, Optional.of(surgery));
    }

    /** One training step, as the training loop takes it: backward, frozen gradients zeroed, Adam's update. */
    void step() {
        try (GradientCollector collector = trainer.newGradientCollector()) {
            NDArray output = trainer.forward(new NDList(input)).singletonOrThrow();
            collector.backward(output.sum());
        }
        surgery.beforeUpdate();
        trainer.step();
    }

    void steps(int count) {
        for (int i = 0; i < count; i++) {
            step();
        }
    }

    void apply(NeuronOperation operation) {
        layers.apply(operation);
    }

    /** A copy of parameter {@code name} ("weight" or "bias") of layer {@code layer}. */
    float[] parameter(int layer, String name) {
        return model.getBlock().getChildren().get(layer).getValue().getParameters().get(name).getArray().toFloatArray();
    }

    /** How many arrays the model's parameters' manager holds (a leak shows here). */
    int arraysHeld(int layer) {
        return model.getBlock().getChildren().get(layer).getValue().getParameters().get("weight").getArray().getManager()
                .getManagedArrays().size();
    }

    @Override
    public void close() {
        trainer.close();
        model.close();
    }
}
