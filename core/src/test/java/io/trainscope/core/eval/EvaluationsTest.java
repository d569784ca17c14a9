package io.trainscope.core.eval;

import static org.assertj.core.api.Assertions.assertThat;

import io.trainscope.core.Experiment;
import io.trainscope.core.RunDescription;
import io.trainscope.core.hparams.HyperParameterUpdate;
import io.trainscope.core.samples.SampleKey;
import io.trainscope.core.samples.SampleEdit;
import io.trainscope.core.samples.Split;
import io.trainscope.core.signals.HistoryQuery;
import io.trainscope.core.signals.SignalPoint;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Evaluations through a real experiment and gate, with a stand-in model on a stand-in training loop. */
class EvaluationsTest {

    @TempDir
    Path dir;
    private Experiment experiment;
    private Thread loop;
    private final AtomicLong steps = new AtomicLong();
    private final AtomicInteger evaluatedBatches = new AtomicInteger();
    /** Batches the model may run; unlimited unless a test holds it back. */
    private final Semaphore allowed = new Semaphore(1_000_000);

    /** Predicts class 0 with loss id/100: samples with an even label are right. */
    private final BatchEvaluator model = (split, ids) -> {
        allowed.acquireUninterruptibly();
        int n = ids.length;
        int[] labels = new int[n];
        float[] losses = new float[n];
        for (int i = 0; i < n; i++) {
            labels[i] = ids[i] % 2;
            losses[i] = ids[i] / 100f;
        }
        evaluatedBatches.incrementAndGet();
        return new BatchEvaluator.Results(ids, labels, new int[n], new float[n], losses);
    };

    @BeforeEach
    void start() {
        int[] train = new int[200];
        int[] test = new int[100];
        for (int i = 0; i < test.length; i++) {
            test[i] = i % 2;
        }
        experiment = new Experiment(new RunDescription("m", "d", 1, 10, 1e-3f, 20, 200, List.of("a", "b"), "adam"),
                false, dir, List.of(Split.of("train", train), Split.of("test", test)));
        experiment.hyperParameters().apply(HyperParameterUpdate.none().withTestBatchSize(10).withValidationBatchSize(50), 0);
        experiment.evaluations().attach(model, Set.of("train"));
        loop = new Thread(() -> {
            long step = 0;
            while (experiment.gate().awaitStep(step)) {
                sleepMillis(1);
                step++;
                steps.set(step);
                experiment.stepCompleted(step, 0);
            }
            experiment.gate().serveUntilClosed(step);
        });
        loop.start();
    }

    @AfterEach
    void stop() throws Exception {
        allowed.release(1_000_000);
        experiment.gate().close();
        loop.join(5000);
        experiment.close();
    }

    @Test
    void anEvaluationRunsEveryBatchOfTheSplitAndLogsTwoMarkers() throws Exception {
        var answer = experiment.evaluations().trigger(EvaluationRequest.of("test"));
        assertThat(answer.accepted()).isTrue();
        assertThat(answer.message()).isEqualTo("Evaluation on 'test' requested; training pauses for it and stays paused"
                + " after it");
        await(() -> experiment.evaluations().progress().state() == EvaluationState.DONE);
        EvaluationProgress done = experiment.evaluations().progress();
        assertThat(done.current()).isEqualTo(10);
        assertThat(done.total()).isEqualTo(10);
        assertThat(done.message()).startsWith("Done: loss 0.4950, accuracy 50.00% on 100 samples of 'test'");
        List<SignalPoint> markers = markers();
        assertThat(markers).extracting(SignalPoint::metric).containsExactly("eval/test/accuracy", "eval/test/loss");
        assertThat(markers).allSatisfy(p -> {
            assertThat(p.isEvaluationMarker()).isTrue();
            assertThat(p.split()).isEqualTo("test");
            assertThat(p.runHash()).isEqualTo(experiment.runHash() + "_1");
        });
        assertThat(markers.get(1).value()).isEqualTo(0.495f);
    }

    @Test
    void trainingPausesForAnEvaluationAndStaysPaused() throws Exception {
        await(() -> steps.get() > 3);
        experiment.evaluations().trigger(EvaluationRequest.of("test"));
        await(() -> experiment.evaluations().progress().state() == EvaluationState.DONE);
        long at = steps.get();
        sleepMillis(30);
        assertThat(experiment.gate().isPaused()).isTrue();
        assertThat(steps.get()).isEqualTo(at);
    }

    @Test
    void withoutPausingTrainingGoesOnAfterTheEvaluation() throws Exception {
        experiment.evaluations().trigger(EvaluationRequest.of("test").withPauseTraining(false));
        await(() -> experiment.evaluations().progress().state() == EvaluationState.DONE);
        long at = steps.get();
        await(() -> steps.get() > at + 3);
        assertThat(experiment.gate().isPaused()).isFalse();
    }

    @Test
    void perSampleResultsReachTheTableForTheTestSplitButNotForTheTrainingSplit() throws Exception {
        experiment.evaluations().trigger(EvaluationRequest.of("test"));
        await(() -> experiment.evaluations().progress().state() == EvaluationState.DONE);
        experiment.evaluations().trigger(EvaluationRequest.of("train"));
        await(() -> experiment.evaluations().progress().state() == EvaluationState.DONE);
        assertThat(experiment.evaluations().progress().total()).as("train uses val_batch_size 50").isEqualTo(4);
        experiment.samples().flush().join();
        var tested = experiment.samples().views().find(new SampleKey("test", 42)).orElseThrow();
        assertThat(tested.loss()).isEqualTo(0.42f);
        assertThat(tested.prediction()).isZero();
        assertThat(experiment.samples().views().find(new SampleKey("train", 42)).orElseThrow().loss()).isNull();
        assertThat(markers()).extracting(SignalPoint::runHash).contains(experiment.runHash() + "_1",
                experiment.runHash() + "_2");
    }

    @Test
    void tagsRestrictTheEvaluationToTheSamplesCarryingThem() throws Exception {
        experiment.samples().edit(new SampleEdit.SetTag(List.of(new SampleKey("test", 3), new SampleKey("test", 4)),
                "hard", true)).join();
        experiment.evaluations().trigger(EvaluationRequest.of("test").withTags(List.of("hard")));
        await(() -> experiment.evaluations().progress().state() == EvaluationState.DONE);
        assertThat(experiment.evaluations().progress().total()).isEqualTo(1);
        assertThat(markers()).allSatisfy(p -> assertThat(p.tags()).containsExactly("hard"));
        assertThat(markers().get(0).value()).as("accuracy: 4 is even, 3 is not").isEqualTo(0.5f);
    }

    @Test
    void unknownSplitsAndTagsAreRefusedAtOnce() {
        var split = experiment.evaluations().trigger(EvaluationRequest.of("val"));
        assertThat(split).isEqualTo(new EvaluationQueue.Answer(false, "Loader 'val' not found. Splits: train, test"));
        var tag = experiment.evaluations().trigger(EvaluationRequest.of("test").withTags(List.of("nope")));
        assertThat(tag.accepted()).isFalse();
        assertThat(tag.message()).isEqualTo("No tag 'nope' in the sample table (no sample carries a tag yet)");
        assertThat(experiment.evaluations().progress().state()).isEqualTo(EvaluationState.IDLE);
    }

    @Test
    void cancelStopsWithinOneBatchAndLogsNoMarker() throws Exception {
        allowed.drainPermits();
        allowed.release(3);
        experiment.evaluations().trigger(EvaluationRequest.of("test"));
        await(() -> evaluatedBatches.get() == 3);
        await(() -> allowed.hasQueuedThreads()); // the fourth batch is in flight
        var cancel = experiment.evaluations().cancel("enough");
        assertThat(cancel).isEqualTo(new EvaluationQueue.Answer(true, "Evaluation canceled: enough"));
        allowed.release(100);
        await(() -> experiment.evaluations().progress().state() == EvaluationState.CANCELED);
        assertThat(evaluatedBatches.get()).as("only the batch in flight finished").isEqualTo(4);
        assertThat(experiment.evaluations().progress()).isEqualTo(new EvaluationProgress(EvaluationState.CANCELED, 4, 10,
                "enough", "Evaluation canceled by user", "test"));
        assertThat(markers()).isEmpty();
    }

    @Test
    void maxBatchesCapsTheEvaluation() throws Exception {
        experiment.evaluations().trigger(EvaluationRequest.of("test").withMaxBatches(2));
        await(() -> experiment.evaluations().progress().state() == EvaluationState.DONE);
        assertThat(experiment.evaluations().progress().total()).isEqualTo(2);
        assertThat(evaluatedBatches.get()).isEqualTo(2);
    }

    private List<SignalPoint> markers() {
        return experiment.signals().history(HistoryQuery.all()).points().stream()
                .filter(SignalPoint::isEvaluationMarker).toList();
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within 10 s");
            }
            Thread.sleep(2);
        }
    }

    private static void sleepMillis(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
