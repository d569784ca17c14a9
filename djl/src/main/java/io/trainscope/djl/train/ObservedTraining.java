package io.trainscope.djl.train;

import static java.util.Objects.requireNonNull;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Adam;
import ai.djl.training.optimizer.Optimizer;
import io.trainscope.core.checkpoints.LoopPosition;
import io.trainscope.core.checkpoints.TrainingState;
import io.trainscope.core.Experiment;
import io.trainscope.core.control.RunStatus;
import io.trainscope.core.live.BatchFrame;
import io.trainscope.core.live.FramePacer;
import io.trainscope.core.live.LiveEvent;
import io.trainscope.core.samples.BatchStats;
import io.trainscope.core.samples.DiscardedSamples;
import io.trainscope.core.samples.EpochSampler;
import io.trainscope.djl.data.ImageDataset;
import io.trainscope.djl.inspect.DjlModelLayers;
import io.trainscope.djl.surgery.AdamState;
import io.trainscope.djl.surgery.ModelSurgery;
import io.trainscope.core.signals.SignalFlag;
import io.trainscope.core.signals.SignalPoint;
import io.trainscope.core.signals.SignalStore;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Our training loop (not {@code EasyTrain.fit}): it owns the model on one thread, stops at
 * the {@link io.trainscope.core.control.TrainingGate} before every step, computes per-sample
 * losses once (the training loss is their mean) and publishes every step to the live feed.
 *
 * <pre>{@code
 * Thread t = new Thread(new ObservedTraining(experiment, model, train, test, options), "trainscope-training");
 * t.start();
 * }</pre>
 */
public final class ObservedTraining implements Runnable {

    private static final Logger log = LoggerFactory.getLogger(ObservedTraining.class);
    /** The split names of the sample table. */
    public static final String TRAIN = "train";
    public static final String TEST = "test";

    private final Experiment experiment;
    private final Block block;
    private final ImageDataset train;
    private final ImageDataset test;
    private final TrainingOptions options;
    private final FramePacer pacer;
    /** Hyperparameter changes seen so far, to flag the first points after a new one. Training thread only. */
    private int changesSeen;
    private volatile boolean observing = true;
    // Where the loop stands; training thread only (checkpoints read and move it at a step boundary).
    private EpochSampler sampler;
    private int epoch;
    private int batchIndex;
    private long step;
    private EpochTally tally;
    private long lastCheckpointStep = -1;
    /** Neuron operations and statistics; set once the model is built. Training thread only. */
    private ModelSurgery surgery;

    public ObservedTraining(Experiment experiment, Block block, ImageDataset train, ImageDataset test, TrainingOptions options) {
        this.experiment = requireNonNull(experiment, "experiment");
        this.block = requireNonNull(block, "block");
        this.train = requireNonNull(train, "train");
        this.test = requireNonNull(test, "test");
        this.options = requireNonNull(options, "options");
        this.pacer = new FramePacer(options.maxFramesPerSecond());
    }

    /**
     * Turns the observatory (per-sample statistics, frames, scalars) off or on, to measure
     * what it costs, from the next step on. The loss is computed the same way either way.
     */
    public void setObserving(boolean on) {
        observing = on;
    }

    @Override
    public void run() {
        Engine.getInstance().setRandomSeed((int) options.seed()); // the initial weights, as TrainingOptions promises
        try (Model model = Model.newInstance(experiment.description().modelName())) {
            model.setBlock(block);
            Adam adam = Optimizer.adam().optLearningRateTracker(new LiveLearningRate(experiment.hyperParameters())).build();
            DefaultTrainingConfig config = new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
                    .optOptimizer(adam)
                    .optDevices(new Device[] {Device.cpu()});
            try (Trainer trainer = model.newTrainer(config)) {
                trainer.initialize(new Shape(1, train.channels(), train.height(), train.width()));
                AdamState adamState = new AdamState(adam);
                surgery = new ModelSurgery(block, adamState, trainer);
                experiment.attachModel(new DjlModelLayers(block, Optional.of(surgery)));
                experiment.checkpoints().attach(new LoopState(new ModelCopier(block, adamState, surgery)));
                experiment.evaluations().attach(new DjlBatchEvaluator(trainer, Map.of(TRAIN, train, TEST, test)), Set.of(TRAIN));
                step = trainEpochs(trainer);
                experiment.gate().serveUntilClosed(step);
            }
        } catch (Throwable t) {
            log.error("Training failed at step {}", step, t);
            experiment.setStatus(RunStatus.FAILED, "Training failed: " + t);
            experiment.gate().close();
        } finally {
            // The experiment outlives this loop (the server's services hold it, and Armeria's route cache holds
            // a stopped server's services): it must not keep the loop, its model and its data sets reachable.
            experiment.checkpoints().detach();
            experiment.evaluations().detach();
        }
    }

    private long trainEpochs(Trainer trainer) {
        sampler = new EpochSampler(train.size(), options.seed());
        epoch = sampler.startEpoch();
        tally = new EpochTally();
        batchIndex = 0;
        step = 0;
        String resumed = experiment.checkpoints().resumeLatest()
                .map(c -> " (resumed from checkpoint " + c.id() + ")").orElse("");
        if (epoch >= options.epochs()) {
            experiment.setStatus(RunStatus.COMPLETED, "Completed at step " + step + resumed);
            return step;
        }
        experiment.setStatus(experiment.gate().isPaused() ? RunStatus.PAUSED : RunStatus.RUNNING,
                (experiment.gate().isPaused() ? "Ready, paused before step " + step + ": " : "Training ")
                        + experiment.description().modelName() + " on " + train.name() + resumed);
        while (true) {
            if (options.maxSteps() > 0 && step >= options.maxSteps()) {
                break;
            }
            checkpointIfDue();
            if (!experiment.gate().awaitStep(step)) {
                experiment.setStatus(RunStatus.STOPPED, "Stopped at step " + step);
                return step;
            }
            DiscardedSamples discarded = experiment.samples().discarded();
            int[] batch = sampler.nextBatch(experiment.hyperParameters().batchSize(), id -> discarded.contains(TRAIN, id));
            if (batch.length == 0 && batchIndex == 0) {
                experiment.gate().pause().thenRun(() -> experiment.setStatus(RunStatus.PAUSED,
                        "Paused at step " + experiment.step() + ": every training sample is discarded; restore some to go on"));
                sampler.rewindEpoch();
                continue;
            }
            if (batch.length > 0) {
                trainStep(trainer, batch, epoch, batchIndex, step, tally);
                step++;
                batchIndex++;
                experiment.stepCompleted(step, epoch);
            }
            if (sampler.epochDone()) {
                finishEpoch(trainer, epoch, tally, step);
                if (epoch + 1 >= options.epochs()) {
                    break;
                }
                epoch = sampler.startEpoch();
                tally = new EpochTally();
                batchIndex = 0;
            }
        }
        experiment.setStatus(RunStatus.COMPLETED, "Completed at step " + step + " (epoch " + (epoch + 1) + ")");
        return step;
    }

    /** Every {@code checkpont_frequency} steps, at the boundary before the next step (one per step at most). */
    private void checkpointIfDue() {
        int every = experiment.hyperParameters().checkpointFrequency();
        if (every > 0 && step > 0 && step % every == 0 && step != lastCheckpointStep) {
            lastCheckpointStep = step;
            long at = step;
            experiment.checkpoints().takeNow().whenComplete((checkpoint, error) -> {
                if (error != null) {
                    log.error("Checkpoint at step {} failed", at, error);
                }
            });
        }
    }

    /** The loop's side of checkpoints; called on the training thread at a step boundary. */
    private final class LoopState implements TrainingState {
        private final ModelCopier copier;

        LoopState(ModelCopier copier) {
            this.copier = copier;
        }

        @Override
        public Snapshot capture() {
            return new Snapshot(copier.capture(), new LoopPosition(step, epoch, sampler.position(), batchIndex));
        }

        @Override
        public void restore(Snapshot snapshot, boolean weightsOnly) {
            copier.restore(snapshot.model(), !weightsOnly);
            LoopPosition p = snapshot.position();
            boolean epochEnded = p.epochPosition() >= train.size();
            sampler.moveTo(epochEnded ? p.epoch() + 1 : p.epoch(), epochEnded ? 0 : p.epochPosition());
            epoch = sampler.epoch();
            batchIndex = epochEnded ? 0 : p.batchIndex();
            step = p.step();
            lastCheckpointStep = step;
            tally = new EpochTally();
        }
    }

    private void trainStep(Trainer trainer, int[] indices, int epoch, int batchIndex, long step, EpochTally tally) {
        long start = System.nanoTime();
        boolean observing = this.observing; // once per step: a switch in mid-step would leave it half observed
        int n = indices.length;
        float[] pixels = new float[n * train.pixelsPerImage()];
        train.copyImages(indices, pixels);
        long[] labels = new long[n];
        for (int i = 0; i < n; i++) {
            labels[i] = train.labels()[indices[i]];
        }
        float[] losses;
        float[] confidences = null;
        long[] predictions = null;
        try (NDManager scope = trainer.getManager().newSubManager()) {
            NDArray x = scope.create(pixels, new Shape(n, train.channels(), train.height(), train.width()));
            NDArray y = scope.create(labels);
            NDArray logits;
            NDArray perSample;
            if (experiment.hyperParameters().auditorMode()) { // audit: look, do not learn
                logits = trainer.evaluate(new NDList(x)).singletonOrThrow();
                perSample = perSampleLoss(logits, y);
            } else {
                try (GradientCollector collector = trainer.newGradientCollector()) {
                    logits = trainer.forward(new NDList(x)).singletonOrThrow();
                    perSample = perSampleLoss(logits, y);
                    collector.backward(perSample.mean());
                }
                surgery.beforeUpdate();
                trainer.step();
                surgery.afterStep(x, step + 1, observing);
            }
            if (observing) {
                losses = perSample.toFloatArray();
                confidences = new float[n];
                predictions = new long[n];
                StepOutputs.predict(logits.toFloatArray(), train.classCount(), predictions, confidences);
            } else {
                losses = new float[] {perSample.mean().getFloat()};
            }
        }
        long end = System.nanoTime();
        experiment.meter().stepFinished(end, end - start);
        if (!observing) {
            return;
        }
        int correct = 0;
        for (int i = 0; i < n; i++) {
            if (predictions[i] == labels[i]) {
                correct++;
            }
        }
        tally.add(losses, correct);
        int[] predicted = new int[n];
        for (int i = 0; i < n; i++) {
            predicted[i] = (int) predictions[i];
        }
        experiment.samples().record(new BatchStats(TRAIN, step + 1, indices, predicted, confidences, losses));
        float loss = mean(losses);
        float accuracy = (float) correct / n;
        logSignals(step + 1, loss, accuracy, (end - start) / 1e6f);
        BatchFrame frame = experiment.feed().subscriberCount() > 0 && pacer.due(end)
                ? StepOutputs.frame(train, options.imagesPerFrame(), indices, labels, predictions, confidences, epoch, batchIndex, step + 1, loss, accuracy)
                : null;
        experiment.feed().publishStep(new LiveEvent.StepScalars(step + 1, epoch, loss, accuracy,
                experiment.hyperParameters().learningRate(), n), frame);
    }

    /** The step's curves points; the first step after a hyperparameter change is flagged so it is always kept. */
    private void logSignals(long step, float loss, float accuracy, float stepMillis) {
        int changes = experiment.hyperParameters().changeCount();
        EnumSet<SignalFlag> flags = EnumSet.noneOf(SignalFlag.class);
        if (changes != changesSeen) {
            changesSeen = changes;
            flags.add(SignalFlag.HYPERPARAMETER_CHANGE);
        }
        if (experiment.hyperParameters().auditorMode()) {
            flags.add(SignalFlag.AUDIT_MODE);
        }
        long now = System.currentTimeMillis() / 1000;
        log("train/loss", step, loss, now, flags);
        log("train/accuracy", step, accuracy, now, flags);
        log("train/learning_rate", step, experiment.hyperParameters().learningRate(), now, flags);
        log("train/step_time_ms", step, stepMillis, now, flags);
    }

    /** Plain points (nearly every step) go in without building a {@link SignalPoint}. */
    private void log(String metric, long step, float value, long now, Set<SignalFlag> flags) {
        SignalStore signals = experiment.signals();
        if (flags.isEmpty()) {
            signals.append(metric, experiment.runHash(), step, value, now);
        } else {
            signals.append(new SignalPoint(metric, experiment.runHash(), step, value, now, flags, "", List.of(), ""));
        }
    }

    private NDArray perSampleLoss(NDArray logits, NDArray labels) {
        return logits.logSoftmax(1).mul(labels.oneHot(train.classCount())).sum(new int[] {1}).neg();
    }

    private void finishEpoch(Trainer trainer, int epoch, EpochTally tally, long step) {
        OptionalDouble validationLoss = OptionalDouble.empty();
        OptionalDouble validationAccuracy = OptionalDouble.empty();
        if (options.validate() && test.size() > 0) {
            double[] result = StepOutputs.evaluate(trainer, test, () -> experiment.gate().serveWithinStep(step));
            validationLoss = OptionalDouble.of(result[0]);
            validationAccuracy = OptionalDouble.of(result[1]);
            long now = System.currentTimeMillis() / 1000;
            for (String metric : List.of("val/loss", "val/accuracy")) {
                float value = (float) (metric.equals("val/loss") ? result[0] : result[1]);
                experiment.signals().append(SignalPoint.of(metric, experiment.runHash(), step, value, now)
                        .asEvaluationMarker("test", List.of()));
            }
        }
        var summary = new LiveEvent.EpochSummary(epoch, tally.averageLoss(), tally.averageAccuracy(),
                experiment.hyperParameters().learningRate(), validationLoss, validationAccuracy, step, tally.batches(),
                tally.seconds());
        experiment.feed().publish(summary);
        log.info("Epoch {} done at step {}: loss {} accuracy {} validation {}", epoch, step,
                summary.averageLoss(), summary.averageAccuracy(), validationAccuracy);
    }

    private static float mean(float[] values) {
        double sum = 0;
        for (float v : values) {
            sum += v;
        }
        return (float) (sum / values.length);
    }
}
