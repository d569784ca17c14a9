package io.trainscope.core.samples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.trainscope.core.samples.query.QueryException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SampleStoreTest {

    @TempDir
    Path dir;
    private SampleStore store;

    @BeforeEach
    void open() {
        store = SampleStore.open(dir.resolve("experiment.duckdb"), splits());
    }

    @AfterEach
    void close() {
        store.close();
    }

    private static List<Split> splits() {
        int[] train = new int[100];
        int[] clean = new int[100];
        for (int i = 0; i < train.length; i++) {
            train[i] = i % 10;
            clean[i] = i < 5 ? (i + 1) % 10 : i % 10;
        }
        return List.of(new Split("train", train, Map.of("clean_label", clean)), Split.of("test", new int[50]));
    }

    /** Step 1 draws train ids 0..9 with loss = id / 10. */
    private void recordFirstBatch() {
        int[] ids = new int[10];
        int[] predictions = new int[10];
        float[] confidences = new float[10];
        float[] losses = new float[10];
        for (int i = 0; i < 10; i++) {
            ids[i] = i;
            predictions[i] = 0;
            confidences[i] = 0.5f;
            losses[i] = i / 10f;
        }
        store.record(new BatchStats("train", 1, ids, predictions, confidences, losses));
        store.flush().join();
    }

    @Test
    void registersOneRowPerSampleOfEachSplit() {
        assertThat(store.views().counts("c").all()).isEqualTo(150);
        assertThat(store.views().splits("c")).containsExactly("test", "train");
        assertThat(store.views().find(new SampleKey("train", 3)).orElseThrow().metadata()).containsEntry("clean_label", 4);
    }

    @Test
    void recordedStatisticsReachTheRowAndTheHistory() {
        recordFirstBatch();
        SampleRecord row = store.views().find(new SampleKey("train", 7)).orElseThrow();
        assertThat(row.loss()).isEqualTo(0.7f);
        assertThat(row.encounters()).isEqualTo(1);
        assertThat(row.lastStep()).isEqualTo(1L);
        assertThat(store.analysis().history(new SampleKey("train", 7), "train", 0).steps()).containsExactly(1L);
    }

    @Test
    void aReadMergesWhatTrainingRecordedWithoutWaitingForTheBackgroundFlush() throws Exception {
        assertThat(SampleWriter.FLUSH_MILLIS).isGreaterThan(3 * SampleWriter.READ_STALENESS_MILLIS);
        store.record(new BatchStats("train", 3, new int[] {4, 9}, new int[] {1, 2}, new float[] {0.6f, 0.7f},
                new float[] {2.5f, 0.25f}));

        assertThat(store.views().query("c", "loss > 1", false).all()).isEqualTo(1); // nothing merged yet: this read merges
        assertThat(store.views().page("c", 0, 10)).extracting(SampleRecord::key).containsExactly(new SampleKey("train", 4));

        store.record(new BatchStats("train", 4, new int[] {4}, new int[] {3}, new float[] {0.9f}, new float[] {0.5f}));
        Thread.sleep(SampleWriter.READ_STALENESS_MILLIS + 100); // the last merge is now older than a reader accepts
        assertThat(store.views().find(new SampleKey("train", 4)).orElseThrow().lastStep()).isEqualTo(4L);
        assertThat(store.analysis().history(new SampleKey("train", 4), "train", 0).steps()).containsExactly(3L, 4L);
        assertThat(store.signals().atStep("train", 4, 10).total()).isEqualTo(1);
    }

    @Test
    void aStatisticForASampleTheTableDoesNotHaveIsRefusedAndTheOthersStillReachTheFile() {
        float[] one = {0.5f};
        assertThatThrownBy(() -> store.record(new BatchStats("train", 1, new int[] {100}, new int[] {0}, one, one)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no sample 100 in split 'train'");
        assertThatThrownBy(() -> store.record(new BatchStats("valid", 1, new int[] {0}, new int[] {0}, one, one)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("split 'valid'");
        recordFirstBatch();
        assertThat(store.views().find(new SampleKey("train", 7)).orElseThrow().encounters()).isEqualTo(1);
    }

    @Test
    void queryFiltersAndSortsTheClientsViewOnly() {
        recordFirstBatch();
        ViewCounts counts = store.views().query("a", "loss > 0.45 and origin == 'train' sortby loss desc", false);
        assertThat(counts.all()).isEqualTo(5);
        assertThat(store.views().page("a", 0, 10)).extracting(SampleRecord::sampleId).containsExactly(9L, 8L, 7L, 6L, 5L);
        assertThat(store.views().counts("b").all()).isEqualTo(150);
    }

    @Test
    void aNewFilterReplacesTheOldUnlessAccumulating() {
        recordFirstBatch();
        store.views().query("a", "label < 5", false);
        assertThat(store.views().query("a", "origin == 'train'", false).all()).isEqualTo(100);
        assertThat(store.views().query("a", "label < 5", true).all()).isEqualTo(50);
        assertThat(store.views().reset("a").all()).isEqualTo(150);
    }

    @Test
    void refusedQueryLeavesTheViewUnchanged() {
        store.views().query("a", "label == 3", false);
        assertThatThrownBy(() -> store.views().query("a", "label == 3; DROP TABLE samples", false))
                .isInstanceOf(QueryException.class);
        assertThatThrownBy(() -> store.views().query("a", "read_csv('/etc/passwd') == 1", false))
                .isInstanceOf(QueryException.class);
        assertThat(store.views().counts("a").all()).isEqualTo(10);
    }

    @Test
    void discardIsDurableAndSeenByTheSamplerAtOnce() {
        store.edit(new SampleEdit.SetDiscarded(List.of(new SampleKey("train", 4), new SampleKey("train", 5)), true)).join();
        assertThat(store.discarded().contains("train", 4)).isTrue();
        assertThat(store.views().counts("c").discarded()).isEqualTo(2);
        store.close();
        store = SampleStore.open(dir.resolve("experiment.duckdb"), splits());
        assertThat(store.discarded().contains("train", 5)).isTrue();
        store.edit(new SampleEdit.SetDiscarded(List.of(new SampleKey("train", 5)), false)).join();
        assertThat(store.discarded().contains("train", 5)).isFalse();
    }

    @Test
    void taggingTwiceSetsRatherThanToggles() {
        List<SampleKey> keys = List.of(new SampleKey("train", 1), new SampleKey("test", 2));
        store.edit(new SampleEdit.SetTag(keys, "hard", true)).join();
        store.edit(new SampleEdit.SetTag(keys, "tag:hard", true)).join();
        assertThat(store.views().query("a", "`tag:hard` == true", false).all()).isEqualTo(2);
        assertThat(store.views().tags()).containsExactly("hard");
        store.edit(new SampleEdit.SetTag(List.of(new SampleKey("test", 2)), "hard", false)).join();
        assertThat(store.views().find(new SampleKey("train", 1)).orElseThrow().tags()).containsExactly("hard");
        assertThat(store.views().find(new SampleKey("test", 2)).orElseThrow().tags()).isEmpty();
    }

    @Test
    void keptIdsAreTheUndiscardedSamplesOfASplitCarryingEveryTag() {
        store.edit(new SampleEdit.SetTag(List.of(new SampleKey("test", 3), new SampleKey("test", 7),
                new SampleKey("test", 9), new SampleKey("train", 3)), "hard", true)).join();
        store.edit(new SampleEdit.SetTag(List.of(new SampleKey("test", 7), new SampleKey("test", 9)), "blurry", true)).join();
        store.edit(new SampleEdit.SetDiscarded(List.of(new SampleKey("test", 9), new SampleKey("test", 0)), true)).join();
        assertThat(store.views().keptIds("test", List.of("hard"))).containsExactly(3, 7);
        assertThat(store.views().keptIds("test", List.of("hard", "tag:blurry"))).containsExactly(7);
        assertThat(store.views().keptIds("test", List.of())).hasSize(48).startsWith(1, 2, 3);
        assertThatThrownBy(() -> store.views().keptIds("test", List.of("nope"))).hasMessage("no tag 'nope'");
    }

    @Test
    void anEditNamingAnUnknownSampleChangesNothing() {
        assertThatThrownBy(() -> store.edit(new SampleEdit.SetDiscarded(
                List.of(new SampleKey("train", 1), new SampleKey("train", 100)), true)).join())
                .isInstanceOf(CompletionException.class).hasMessageContaining("not in the table");
        assertThat(store.discarded().contains("train", 1)).isFalse();
        assertThat(store.views().counts("c").discarded()).isZero();
    }

    @Test
    void discardByTagCopyAndDeleteColumns() {
        store.edit(new SampleEdit.SetTag(List.of(new SampleKey("train", 8)), "noisy", true)).join();
        assertThat(store.edit(new SampleEdit.DiscardByTag("noisy")).join().samples()).isEqualTo(1);
        assertThat(store.discarded().contains("train", 8)).isTrue();
        String message = store.edit(new SampleEdit.CopyColumn("label", "abc")).join().message();
        assertThat(message).contains("label_1@abc");
        assertThat(store.views().columnNames()).contains("label_1@abc");
        store.edit(new SampleEdit.DeleteColumn("label_1@abc")).join();
        assertThat(store.views().columnNames()).doesNotContain("label_1@abc");
        assertThatThrownBy(() -> store.edit(new SampleEdit.DeleteColumn("loss")).join())
                .hasMessageContaining("core column");
    }

    @Test
    void histogramBinsValuesOrRows() {
        recordFirstBatch();
        Histogram values = store.analysis().histogram("c", "loss", 3, false);
        assertThat(values.bins()).hasSize(3);
        assertThat(values.bins().stream().mapToLong(Histogram.Bin::count).sum()).isEqualTo(10);
        Histogram rows = store.analysis().histogram("c", "label", 5, true);
        assertThat(rows.bins()).hasSize(5).allSatisfy(bin -> assertThat(bin.count()).isEqualTo(30));
        Histogram splits = store.analysis().histogram("c", "origin", 0, false);
        assertThat(splits.categorical()).isTrue();
        assertThat(splits.bars()).extracting(Histogram.Bar::label).containsExactly("train", "test");
    }

    @Test
    void tagCurveIsTheMeanLossOfTaggedSamplesPerStep() {
        recordFirstBatch();
        store.edit(new SampleEdit.SetTag(List.of(new SampleKey("train", 2), new SampleKey("train", 4)), "pair", true)).join();
        SampleAnalysis.TagCurve curve = store.analysis().tagCurves("train", List.of("pair"), 0, 10).get(0);
        assertThat(curve.steps()).containsExactly(1L);
        assertThat(curve.meanLosses()[0]).isCloseTo(0.3f, org.assertj.core.data.Offset.offset(1e-6f));
        assertThat(store.analysis().overview("c")).contains("split train: 100 samples").contains("tag:pair: 2 samples");
    }

    @Test
    void aHistoryWrittenBeforeBatchNumbersGetsThemOnOpenOneBatchPerStepRun() throws Exception {
        recordFirstBatch();
        store.record(new BatchStats("train", 2, new int[] {10, 11}, new int[2], new float[2], new float[] {1f, 1f}));
        store.record(new BatchStats("train", 1, new int[] {20}, new int[1], new float[1], new float[] {2f})); // retrained
        store.close();
        try (Connection old = DriverManager.getConnection("jdbc:duckdb:" + dir.resolve("experiment.duckdb").toAbsolutePath());
                Statement statement = old.createStatement()) {
            statement.execute("ALTER TABLE sample_history DROP COLUMN batch_no");
        }

        store = SampleStore.open(dir.resolve("experiment.duckdb"), splits());
        assertThat(store.signals().atStep("train", 1, 0).values()).extracting(v -> v.key().sampleId()).containsExactly(20L);
        store.record(new BatchStats("train", 1, new int[] {30}, new int[1], new float[1], new float[] {3f}));
        store.flush().join();
        assertThat(store.signals().atStep("train", 1, 0).values()).extracting(v -> v.key().sampleId()).containsExactly(30L);
    }
}
