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
        store = SampleStore.open(dir.resolve("experiment.duckdb"), List.of(Split.of("train", new int[20])));
        // Steps 1..5 each draw ids {step, step+1, step+2}; sample i's loss at step s is s + i / 100.
        for (int step = 1; step <= 5; step++) {
            int[] ids = {step, step + 1, step + 2};
            float[] losses = new float[3];
            for (int i = 0; i < 3; i++) {
                losses[i] = step + ids[i] / 100f;
            }
            store.record(new BatchStats("train", step, ids, new int[3], new float[3], losses));
        }
        store.flush().join();
    }

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    void aStepListsTheSamplesItDrewWithTheirLossesInIdOrder() {
        SampleSignals.AtStep atStep = store.signals().atStep(3, 0);
        assertThat(atStep.total()).isEqualTo(3);
        assertThat(atStep.values()).extracting(v -> v.key().sampleId()).containsExactly(3L, 4L, 5L);
        assertThat(atStep.values()).extracting(SampleSignals.StepValue::value).containsExactly(3.03f, 3.04f, 3.05f);
    }

    @Test
    void maxSamplesCutsTheListButTheTotalCountsAll() {
        SampleSignals.AtStep atStep = store.signals().atStep(3, 2);
        assertThat(atStep.values()).hasSize(2);
        assertThat(atStep.total()).isEqualTo(3);
    }

    @Test
    void aStepWithoutDataIsEmptyNotAnError() {
        assertThat(store.signals().atStep(99, 0).values()).isEmpty();
    }

    @Test
    void aTrajectoryFollowsOneSampleAcrossTheStepsThatDrewIt() {
        List<SampleSignals.Trajectory> trajectories = store.signals().trajectories(List.of(new SampleKey("train", 3)), 100, 1);
        assertThat(trajectories).hasSize(1);
        assertThat(trajectories.get(0).steps()).containsExactly(1L, 2L, 3L);
        assertThat(trajectories.get(0).values()).containsExactly(1.03f, 2.03f, 3.03f);
    }

    @Test
    void samplesWithTooFewPointsAreLeftOut() {
        List<SampleSignals.Trajectory> trajectories = store.signals().trajectories(List.of(), 100, 3);
        assertThat(trajectories).extracting(t -> t.key().sampleId()).containsExactly(3L, 4L, 5L);
    }

    @Test
    void downsamplingKeepsTheFirstAndLastPoints() {
        SampleSignals.Trajectory t = store.signals().trajectories(List.of(new SampleKey("train", 5)), 2, 1).get(0);
        assertThat(t.steps()).containsExactly(3L, 5L);
    }
}
