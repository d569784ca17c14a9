package io.trainscope.server.experiment;

import io.trainscope.core.Experiment;
import io.trainscope.core.hparams.HyperParameterUpdate;
import io.trainscope.core.hparams.LiveHyperParameters;
import io.trainscope.proto.weightslab.HyperParameterDesc;
import io.trainscope.proto.weightslab.HyperParameters;
import java.util.ArrayList;
import java.util.List;

/** Translates WeightsLab's {@code HyperParameters} and {@code HyperParameterDesc} to and from the core. */
final class HyperParameterMessages {

    private HyperParameterMessages() {}

    /** The values present in {@code hp} (explicit presence), as one update. */
    static HyperParameterUpdate update(HyperParameters hp) {
        HyperParameterUpdate u = HyperParameterUpdate.none();
        if (hp.hasLearningRate()) {
            u = u.withLearningRate(hp.getLearningRate());
        }
        if (hp.hasBatchSize()) {
            u = u.withBatchSize(hp.getBatchSize());
        } else if (hp.hasTrainBatchSize()) {
            u = u.withBatchSize(hp.getTrainBatchSize()); // WeightsLab ignores it; a user means the batch size
        }
        if (hp.hasValBatchSize()) {
            u = u.withValidationBatchSize(hp.getValBatchSize());
        }
        if (hp.hasTestBatchSize()) {
            u = u.withTestBatchSize(hp.getTestBatchSize());
        }
        if (hp.hasTrainingStepsToDo()) {
            u = u.withStepsToDo(hp.getTrainingStepsToDo());
        }
        if (hp.hasFullEvalFrequency()) {
            u = u.withFullEvalFrequency(hp.getFullEvalFrequency());
        }
        if (hp.hasCheckpontFrequency()) {
            u = u.withCheckpointFrequency(hp.getCheckpontFrequency());
        }
        if (hp.hasAuditorMode()) {
            u = u.withAuditorMode(hp.getAuditorMode());
        }
        if (hp.hasEvaluationMode()) {
            u = u.withEvaluationMode(hp.getEvaluationMode());
        }
        return u;
    }

    /** Every live hyperparameter, in a fixed order (WeightsLab's order is not stable; ours is). */
    static List<HyperParameterDesc> describe(Experiment experiment) {
        LiveHyperParameters hp = experiment.hyperParameters();
        long step = experiment.step();
        long left = experiment.gate().stepsLeft(step);
        List<HyperParameterDesc> all = new ArrayList<>();
        all.add(text("experiment_name", "Experiment Name", hp.experimentName()));
        all.add(text("last_hash", "Last hash", experiment.runHash()));
        all.add(number("model_age", "Model Age", step));
        all.add(number("total_training_steps", "Total Training Steps",
                left >= 0 ? step + left : (long) experiment.description().totalEpochs() * experiment.description().stepsPerEpoch()));
        all.add(number("training_left", "Left Training Steps", Math.max(left, 0)));
        all.add(number("learning_rate", "Learning Rate", hp.learningRate()));
        all.add(number("batch_size", "Batch Size", hp.batchSize()));
        all.add(number("val_batch_size", "Val Batch Size", hp.validationBatchSize()));
        all.add(number("test_batch_size", "Test Batch Size", hp.testBatchSize()));
        all.add(number("eval_frequency", "Eval Frequency", hp.fullEvalFrequency()));
        all.add(number("checkpoint_frequency", "Checkpoint Frequency", hp.checkpointFrequency()));
        all.add(number("is_training", "Is Training", experiment.gate().isPaused() || experiment.status().isFinal() ? 0 : 1));
        all.add(number("auditor_mode", "Auditor Mode", hp.auditorMode() ? 1 : 0));
        all.add(number("evaluation_mode", "Evaluation Mode", hp.evaluationMode() ? 1 : 0));
        return all;
    }

    private static HyperParameterDesc number(String name, String label, double value) {
        return HyperParameterDesc.newBuilder().setName(name).setLabel(label).setType("number")
                .setNumericalValue((float) value).build();
    }

    private static HyperParameterDesc text(String name, String label, String value) {
        return HyperParameterDesc.newBuilder().setName(name).setLabel(label).setType("text").setStringValue(value).build();
    }
}
