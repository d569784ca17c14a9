package io.trainscope.core.samples;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SampleSignalsTest {

    @TempDir
    Path dir;
    private SampleStore store;

    @BeforeEach
    void open() {
        store = SampleStore.open(dir.resolve("experiment.duckdb"),
                List.of(Split.of("train", new int[400]), Split.of("test", new int[20])));
        // Steps 1..5 each draw ids {step, step+1, step+2}; sample i's loss at step s is s + i / 100.
        for (int step = 1; step <= 5; step++) {
            int[] ids = {step, step + 1, step + 2};
            float[] losses = new float[3];
            for (int i = 0; i < 3; i++) {
                losses[i] = step + ids[i] / 100f;
            }
            record("train", step, ids, losses);
        }
        store.flush().join();
    }

    @AfterEach
    void close() {
        store.close();
    }

    private void record(String origin, long step, int[] ids, float[] losses) {
        store.record(new BatchStats(origin, step, ids, new int[ids.length], new float[ids.length], losses));
    }

    /** Records a batch of ids {@code first .. first+size-1}, every loss {@code loss}. */
    private void record(long step, int first, int size, float loss) {
        int[] ids = new int[size];
        float[] losses = new float[size];
        for (int i = 0; i < size; i++) {
            ids[i] = first + i;
            losses[i] = loss;
        }
        record("train", step, ids, losses);
    }

    private SampleSignals.Trajectory trajectory(long id, int maxPoints) {
        return store.signals().trajectories("train", List.of(id), maxPoints, 1).found().get(0);
    }

    @Test
    void aStepListsTheSamplesItDrewWithTheirLossesInIdOrder() {
        SampleSignals.AtStep atStep = store.signals().atStep("train", 3, 0);
        assertThat(atStep.total()).isEqualTo(3);
        assertThat(atStep.values()).extracting(v -> v.key().sampleId()).containsExactly(3L, 4L, 5L);
        assertThat(atStep.values()).extracting(SampleSignals.StepValue::value).containsExactly(3.03f, 3.04f, 3.05f);
    }

    @Test
    void maxSamplesCutsTheListButTheTotalCountsAll() {
        SampleSignals.AtStep atStep = store.signals().atStep("train", 3, 2);
        assertThat(atStep.values()).hasSize(2);
        assertThat(atStep.total()).isEqualTo(3);
    }

    @Test
    void aStepWithoutDataIsEmptyNotAnError() {
        assertThat(store.signals().atStep("train", 99, 0).values()).isEmpty();
    }

    @Test
    void aStepTrainedTwiceListsOnlyTheBatchOfItsLatestPass() {
        // Steps 1..150 with batch 64, then a restore to step 100 and steps 101..150 again with batch 32.
        for (int step = 1; step <= 150; step++) {
            record(step, 0, 64, 1f);
        }
        for (int step = 101; step <= 150; step++) {
            record(step, 100, 32, step / 100f);
        }
        store.flush().join();

        SampleSignals.AtStep retrained = store.signals().atStep("train", 150, 0);
        assertThat(retrained.total()).isEqualTo(32);
        assertThat(retrained.values()).extracting(v -> v.key().sampleId()).containsExactlyElementsOf(
                java.util.stream.LongStream.range(100, 132).boxed().toList());
        assertThat(retrained.values()).extracting(SampleSignals.StepValue::value).containsOnly(1.5f);
        assertThat(store.signals().atStep("train", 100, 0).total()).as("a step before the restore").isEqualTo(64);
    }

    @Test
    void aStepRetrainedRightAfterItselfListsTheSecondBatch() {
        record(6, 0, 10, 1f);
        record(6, 50, 4, 2f); // restored to step 5 just after step 6: step 6 again
        store.flush().join();
        assertThat(store.signals().atStep("train", 6, 0).values()).extracting(v -> v.key().sampleId())
                .containsExactly(50L, 51L, 52L, 53L);
    }

    @Test
    void passesAreToldApartAcrossReopens() {
        record(6, 0, 10, 1f);
        store.flush().join();
        store.close();
        store = SampleStore.open(dir.resolve("experiment.duckdb"),
                List.of(Split.of("train", new int[400]), Split.of("test", new int[20])));
        record(6, 50, 4, 2f); // a resumed run retrains step 6
        store.flush().join();
        assertThat(store.signals().atStep("train", 6, 0).total()).isEqualTo(4);
    }

    @Test
    void anEvaluationAtTheSameStepIsNotPartOfTheTrainingBatch() {
        record("test", 3, new int[] {0, 1}, new float[] {9f, 9f});
        store.flush().join();
        assertThat(store.signals().atStep("train", 3, 0).values()).extracting(v -> v.key().origin()).containsOnly("train");
        assertThat(store.signals().atStep("train", 3, 0).total()).isEqualTo(3);
    }

    @Test
    void aSamplesHistoryKeepsOnlyTheLatestPassOfEachStep() {
        record(4, 3, 1, 40f); // steps 4 and 5 trained again; sample 3 is drawn at step 4 only
        record(5, 200, 1, 50f);
        store.flush().join();
        SampleHistory three = store.analysis().history(new SampleKey("train", 3), "train", 0);
        assertThat(three.steps()).containsExactly(1L, 2L, 3L, 4L);
        assertThat(three.losses()).containsExactly(1.03f, 2.03f, 3.03f, 40f);
        assertThat(store.analysis().history(new SampleKey("train", 5), "train", 0).steps())
                .as("drawn at steps 3..5 first, only at step 3 now").containsExactly(3L);
    }

    @Test
    void anEvaluatedSamplesHistoryHasItsLatestEvaluationAtEachStep() {
        record("test", 3, new int[] {0, 1}, new float[] {9f, 8f});
        record("test", 3, new int[] {2, 3}, new float[] {7f, 6f}); // the same evaluation's next batch
        record("test", 3, new int[] {0}, new float[] {5f}); // evaluated again at the same step
        record("test", 5, new int[] {0}, new float[] {4f});
        store.flush().join();
        SampleHistory zero = store.analysis().history(new SampleKey("test", 0), "train", 0);
        assertThat(zero.steps()).containsExactly(3L, 5L);
        assertThat(zero.losses()).containsExactly(5f, 4f);
        assertThat(store.analysis().history(new SampleKey("test", 2), "train", 0).losses())
                .as("not superseded by a later batch of the same evaluation").containsExactly(7f);
    }

    @Test
    void aTagCurveCountsTheLatestPassOfEachStepAndTrainingSamplesOnly() {
        store.edit(new SampleEdit.SetTag(List.of(new SampleKey("train", 3), new SampleKey("train", 4),
                new SampleKey("test", 0)), "watch", true)).join();
        record(4, 3, 1, 40f); // step 4 trained again with sample 3 only
        record("test", 4, new int[] {0}, new float[] {99f}); // an evaluation at step 4
        store.flush().join();
        SampleAnalysis.TagCurve curve = store.analysis().tagCurves("train", List.of("watch"), 0, 10).get(0);
        assertThat(curve.steps()).containsExactly(1L, 2L, 3L, 4L);
        assertThat(curve.counts()).containsExactly(1, 2, 2, 1);
        assertThat(curve.meanLosses()[3]).isEqualTo(40f);
    }

    @Test
    void aTrajectoryFollowsOneSampleAcrossTheStepsThatDrewIt() {
        assertThat(trajectory(3, 100).values()).containsExactly(1.03f, 2.03f, 3.03f);
    }

    @Test
    void aTrajectoryLeavesOutThePointsOfStepsTrainedAgain() {
        record(4, 3, 1, 40f); // steps 4 and 5 trained again; sample 3 is drawn at step 4 only
        record(5, 200, 1, 50f);
        store.flush().join();
        assertThat(trajectory(3, 100).values()).containsExactly(1.03f, 2.03f, 3.03f, 40f);
        assertThat(trajectory(5, 100).values()).as("drawn at steps 3..5 first, only at step 3 now").containsExactly(3.05f);
    }

    @Test
    void samplesWithTooFewPointsAreLeftOut() {
        SampleSignals.Trajectories read = store.signals().trajectories("train", List.of(), 100, 3);
        assertThat(read.found()).extracting(t -> t.key().sampleId()).containsExactly(3L, 4L, 5L);
        assertThat(read.cut()).isFalse();
    }

    @Test
    void withoutIdsTheLowestIdsWithDataAreReadAndTheCutIsReported() {
        record(6, 0, 300, 1f);
        store.flush().join();
        SampleSignals.Trajectories read = store.signals().trajectories("train", List.of(), 100, 1);
        assertThat(read.found()).hasSize(SampleSignals.MAX_TRAJECTORIES);
        assertThat(read.found().get(SampleSignals.MAX_TRAJECTORIES - 1).key().sampleId()).isEqualTo(255L);
        assertThat(read.cut()).isTrue();
    }

    @Test
    void downsamplingKeepsTheFirstAndLastPoints() {
        assertThat(trajectory(5, 2).values()).containsExactly(3.05f, 5.05f);
    }
}
