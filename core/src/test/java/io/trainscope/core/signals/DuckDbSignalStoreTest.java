package io.trainscope.core.signals;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DuckDbSignalStoreTest {

    private static final String RUN = "aaaaaaaabbbbbbbbcccccccc";

    @TempDir
    Path dir;

    private final SettableClock clock = new SettableClock(Instant.ofEpochSecond(1_763_900_000L));

    @Test
    void pointsAndNotesSurviveCloseAndReopen() {
        Path file = dir.resolve("experiment.duckdb");
        SignalHistory before;
        try (DuckDbSignalStore store = DuckDbSignalStore.open(file, clock)) {
            for (int step = 0; step < 5_000; step++) {
                store.append("train/loss", RUN, step, step == 4_000 ? Float.NaN : 1f / (step + 1));
                store.append("lr", RUN, step, 1e-3f);
            }
            store.append(SignalPoint.of("val/accuracy", RUN + "_1", 5_000, 0.9f, 1_234)
                    .asEvaluationMarker("validation", List.of("hard", "night"))
                    .withFlag(SignalFlag.AUDIT_MODE)
                    .withNote("first eval"));
            store.setNote("train/loss", RUN, 120, "spike?");
            store.append("train/loss", RUN, 5_000, 0.01f);
            before = store.history(HistoryQuery.all().withMaxPoints(300));
        }

        try (DuckDbSignalStore reopened = DuckDbSignalStore.open(file, clock)) {
            assertThat(reopened.size()).isEqualTo(10_002);
            assertThat(reopened.history(HistoryQuery.all().withMaxPoints(300))).isEqualTo(before);
            assertThat(reopened.readNew("new-client", 100_000)).hasSize(10_002)
                    .filteredOn(SignalPoint::isEvaluationMarker).singleElement().satisfies(marker -> {
                        assertThat(marker.tags()).containsExactly("hard", "night");
                        assertThat(marker.flags()).contains(SignalFlag.AUDIT_MODE);
                        assertThat(marker.timestampSeconds()).isEqualTo(1_234);
                        assertThat(marker.note()).isEqualTo("first eval");
                    });
        }
    }

    @Test
    void pointsReachTheFileWithinTheFlushIntervalWithoutAnyCall() throws InterruptedException {
        try (DuckDbSignalStore store = DuckDbSignalStore.open(dir.resolve("run.duckdb"), clock)) {
            for (int step = 0; step < 1_000; step++) {
                store.append("loss", RUN, step, 1f);
            }
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (store.persistedSize() < 1_000 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(store.persistedSize()).isEqualTo(1_000);
        }
    }

    @Test
    void aNoteChangedAfterReopeningIsUpdatedInPlace() {
        Path file = dir.resolve("experiment.duckdb");
        try (DuckDbSignalStore store = DuckDbSignalStore.open(file, clock)) {
            store.append("loss", RUN, 7, 1f);
            store.setNote("loss", RUN, 7, "old");
        }
        try (DuckDbSignalStore store = DuckDbSignalStore.open(file, clock)) {
            store.setNote("loss", RUN, 7, "new");
            store.append("loss", RUN, 8, 1f);
        }
        try (DuckDbSignalStore store = DuckDbSignalStore.open(file, clock)) {
            assertThat(store.readNew("c", 10)).extracting(SignalPoint::step, SignalPoint::note)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple(7L, "new"), org.assertj.core.groups.Tuple.tuple(8L, ""));
            store.setNote("loss", RUN, 7, "");
        }
        try (DuckDbSignalStore store = DuckDbSignalStore.open(file, clock)) {
            assertThat(store.readNew("c", 10)).extracting(SignalPoint::hasNote).containsExactly(false, false);
        }
    }

    @Test
    void aNoteOnAMissingPointIsReportedAndNothingIsWritten() {
        try (DuckDbSignalStore store = DuckDbSignalStore.open(dir.resolve("run.duckdb"), clock)) {
            store.append("loss", RUN, 1, 1f);
            assertThatThrownBy(() -> store.setNote("loss", RUN, 2, "x"))
                    .isInstanceOf(SignalPointNotFoundException.class)
                    .hasMessage("Signal point not found for note update: loss@" + RUN + ":2");
        }
    }

    @Test
    void theDatabaseMayReadNoOtherFileAndLoadNoExtension() throws Exception {
        try (DuckDbSignalStore store = DuckDbSignalStore.open(dir.resolve("run.duckdb"), clock)) {
            assertThat(store.setting("enable_external_access")).isEqualTo("false");
            assertThat(store.setting("autoload_known_extensions")).isEqualTo("false");
            assertThat(store.setting("autoinstall_known_extensions")).isEqualTo("false");
        }
    }

    @Test
    void aFileThatIsNotADatabaseIsReportedWithItsPath() throws Exception {
        Path file = dir.resolve("not-a-database.duckdb");
        java.nio.file.Files.writeString(file, "hello");
        assertThatThrownBy(() -> DuckDbSignalStore.open(file, clock))
                .isInstanceOf(SignalStorageException.class)
                .hasMessageContaining(file.toString());
    }
}
