package io.trainscope.djl;

import static org.assertj.core.api.Assertions.assertThat;

import io.trainscope.core.Experiment;
import io.trainscope.core.RunDescription;
import io.trainscope.core.control.RunStatus;
import io.trainscope.core.live.BatchFrame;
import io.trainscope.core.live.LiveEvent;
import io.trainscope.core.live.Sequenced;
import io.trainscope.core.live.Subscription;
import io.trainscope.core.samples.Split;
import io.trainscope.djl.data.GeneratedShapes;
import io.trainscope.djl.data.ImageDataset;
import io.trainscope.djl.model.ReferenceModels;
import io.trainscope.djl.train.ObservedTraining;
import io.trainscope.djl.train.TrainingOptions;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ObservedTrainingTest {

    private final ImageDataset train = GeneratedShapes.create("shapes/train", 4_000, 1);
    private final ImageDataset test = GeneratedShapes.create("shapes/test", 500, 2);
    @TempDir
    Path runDirectory;
    private Experiment experiment;
    private Thread thread;

    private void start(TrainingOptions options, boolean paused) {
        experiment = new Experiment(new RunDescription("small-cnn", train.name(), options.epochs(), 32, 1e-3f,
                train.size() / 32, train.size(), train.classNames(), "adam"), paused, runDirectory,
                List.of(Split.of(ObservedTraining.TRAIN, train.labels()), Split.of(ObservedTraining.TEST, test.labels())));
        thread = new Thread(new ObservedTraining(experiment, ReferenceModels.smallCnn(10), train, test, options),
                "trainscope-training");
        thread.start();
    }

    @AfterEach
    void shutDown() throws InterruptedException {
        experiment.gate().close();
        thread.join(10_000);
        experiment.close();
    }

    @Test
    void theModelLearnsAndEveryStepIsPublishedWithItsScalars() throws Exception {
        start(TrainingOptions.epochs(2).withMaxSteps(150), false);
        await(() -> experiment.status() == RunStatus.COMPLETED, 60);
        List<LiveEvent.StepScalars> scalars = experiment.feed().log().readAfter(0, 10_000).stream()
                .map(Sequenced::event).filter(e -> e instanceof LiveEvent.StepScalars)
                .map(e -> (LiveEvent.StepScalars) e).toList();
        assertThat(scalars).hasSize(150);
        assertThat(scalars).extracting(LiveEvent.StepScalars::step).startsWith(1L, 2L, 3L).endsWith(150L);
        double early = scalars.subList(0, 10).stream().mapToDouble(LiveEvent.StepScalars::loss).average().orElseThrow();
        double late = scalars.subList(140, 150).stream().mapToDouble(LiveEvent.StepScalars::loss).average().orElseThrow();
        assertThat(late).isLessThan(early * 0.5);
        assertThat(scalars.get(149).accuracy()).isGreaterThan(0.6f);
    }

    @Test
    void aSubscriberReceivesFramesWithSixteenImagesPredictionsAndTruth() throws Exception {
        start(TrainingOptions.epochs(1).withMaxSteps(1_000), false);
        Subscription subscription = experiment.feed().subscribe(0, true, () -> {});
        await(() -> experiment.step() > 20, 60);
        BatchFrame frame = subscription.pollFrame();
        assertThat(frame).isNotNull();
        assertThat(frame.images()).hasSize(16);
        assertThat(frame.labels()).hasSize(16);
        for (float confidence : frame.confidences()) {
            assertThat(confidence).isBetween(0.1f, 1f); // softmax max over 10 classes
        }
        for (int i = 0; i < 16; i++) {
            int index = Integer.parseInt(frame.images().get(i).sampleId());
            assertThat(frame.labels()[i]).isEqualTo(train.labels()[index]);
        }
        subscription.close();
    }

    @Test
    void aPausedRunStaysAtItsStepAndALearningRateChangeTakesEffectAtTheNextBoundary() throws Exception {
        start(TrainingOptions.epochs(1), true);
        await(() -> experiment.status() == RunStatus.PAUSED, 60);
        assertThat(experiment.step()).isZero();
        var lr = experiment.steering().changeLearningRate(5e-4f).get(5, TimeUnit.SECONDS);
        assertThat(lr.success()).isTrue();
        assertThat(lr.step()).isZero();
        var run = experiment.steering().runSteps(7).get(5, TimeUnit.SECONDS);
        assertThat(run.success()).isTrue();
        await(() -> experiment.status() == RunStatus.PAUSED && experiment.step() == 7, 60);
        Thread.sleep(100);
        assertThat(experiment.step()).isEqualTo(7);
        assertThat(experiment.hyperParameters().history()).singleElement()
                .satisfies(c -> assertThat(c.step()).isZero());
    }

    @Test
    void theBatchSizeChangesLiveAtAStepBoundary() throws Exception {
        start(TrainingOptions.epochs(1), false);
        await(() -> experiment.step() > 5, 60);
        var outcome = experiment.steering().adjustBatchSize(8).get(5, TimeUnit.SECONDS);
        assertThat(outcome.success()).isTrue();
        long from = outcome.step();
        await(() -> experiment.step() > from + 3, 60);
        List<LiveEvent.StepScalars> after = experiment.feed().log().readAfter(0, 100_000).stream()
                .map(Sequenced::event).filter(e -> e instanceof LiveEvent.StepScalars s && s.step() > from)
                .map(e -> (LiveEvent.StepScalars) e).toList();
        assertThat(after).isNotEmpty().allSatisfy(s -> assertThat(s.batchSize()).isEqualTo(8));
    }

    static void await(BooleanSupplier condition, int seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not reached within " + seconds + " s");
            }
            Thread.sleep(5);
        }
    }
}
