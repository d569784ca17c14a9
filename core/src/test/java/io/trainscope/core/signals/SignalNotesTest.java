package io.trainscope.core.signals;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class SignalNotesTest {

    private static final String RUN = "aaaaaaaabbbbbbbbcccccccc";

    private final InMemorySignalStore store = new InMemorySignalStore();

    @Test
    void aNoteIsReturnedWithItsPoint() {
        store.append("loss", RUN, 120, 0.4f);
        store.append("loss", RUN, 121, 0.3f);

        store.setNote("loss", RUN, 120, "  spike after augmentation ");

        List<SignalPoint> points = store.history(HistoryQuery.all()).points();
        assertThat(points).extracting(SignalPoint::note).containsExactly("  spike after augmentation ", "");
        assertThat(store.readNew("c", 10)).extracting(SignalPoint::note).containsExactly("  spike after augmentation ", "");
    }

    @Test
    void aNewNoteReplacesTheOldOneAndABlankNoteClearsIt() {
        store.append("loss", RUN, 120, 0.4f);

        store.setNote("loss", RUN, 120, "first");
        store.setNote("loss", RUN, 120, "second");
        assertThat(store.history(HistoryQuery.all()).points()).extracting(SignalPoint::note).containsExactly("second");

        store.setNote("loss", RUN, 120, " \t");
        assertThat(store.history(HistoryQuery.all()).points()).extracting(SignalPoint::hasNote).containsExactly(false);
    }

    @Test
    void aNoteOnAPointThatDoesNotExistIsReportedWithThePoint() {
        store.append("loss", RUN, 119, 0.4f);
        store.append("accuracy", RUN, 120, 0.4f);

        assertThatThrownBy(() -> store.setNote("loss", RUN, 120, "hm"))
                .isInstanceOf(SignalPointNotFoundException.class)
                .hasMessage("Signal point not found for note update: loss@" + RUN + ":120");
        assertThatThrownBy(() -> store.setNote("loss", "other", 119, "hm"))
                .isInstanceOf(SignalPointNotFoundException.class);
    }

    @Test
    void aNoteOnARewoundCurveFindsThePointAnywhere() {
        store.append("loss", RUN, 500, 1f);
        store.append("loss", RUN, 100, 1f);

        store.setNote("loss", RUN, 500, "before the rewind");

        assertThat(store.history(HistoryQuery.all()).points()).extracting(SignalPoint::note)
                .containsExactly("", "before the rewind");
    }
}
