package io.trainscope.djl.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.OptionalInt;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class TorchThreadsTest {

    private String intraBefore;
    private String interBefore;

    @BeforeEach
    void remember() {
        intraBefore = System.getProperty(TorchThreads.INTRA_OP);
        interBefore = System.getProperty(TorchThreads.INTER_OP);
        System.clearProperty(TorchThreads.INTRA_OP);
        System.clearProperty(TorchThreads.INTER_OP);
    }

    @AfterEach
    void restore() {
        reset(TorchThreads.INTRA_OP, intraBefore);
        reset(TorchThreads.INTER_OP, interBefore);
    }

    @Test
    void oneCoreIsLeftToTheObservatoryButPyTorchAlwaysGetsOne() {
        assertThat(TorchThreads.defaultCount(1)).isEqualTo(1);
        assertThat(TorchThreads.defaultCount(2)).isEqualTo(1);
        assertThat(TorchThreads.defaultCount(16)).isEqualTo(15);
    }

    @Test
    void anExplicitCountIsWhatDjlIsTold() {
        assertThat(TorchThreads.apply(OptionalInt.of(3))).isEqualTo(3);
        assertThat(System.getProperty(TorchThreads.INTRA_OP)).isEqualTo("3");
        assertThat(System.getProperty(TorchThreads.INTER_OP)).isEqualTo("1");
    }

    @Test
    void aCountAlreadySetAsDjlPropertyIsKept() {
        System.setProperty(TorchThreads.INTRA_OP, "5");
        System.setProperty(TorchThreads.INTER_OP, "2");
        assertThat(TorchThreads.apply(OptionalInt.empty())).isEqualTo(5);
        assertThat(System.getProperty(TorchThreads.INTER_OP)).isEqualTo("2");
    }

    @Test
    void withoutAnyChoiceTheDefaultForThisMachineApplies() {
        int expected = TorchThreads.defaultCount(Runtime.getRuntime().availableProcessors());
        assertThat(TorchThreads.apply(OptionalInt.empty())).isEqualTo(expected);
        assertThat(System.getProperty(TorchThreads.INTRA_OP)).isEqualTo(Integer.toString(expected));
    }

    @Test
    void zeroThreadsIsRefusedWithTheReason() {
        assertThatThrownBy(() -> TorchThreads.apply(OptionalInt.of(0)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least one thread");
    }

    @Test
    void aPropertyThatIsNotAThreadCountIsRefusedByName() {
        System.setProperty(TorchThreads.INTRA_OP, "abc");
        assertThatThrownBy(() -> TorchThreads.apply(OptionalInt.empty()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("ai.djl.pytorch.num_threads must be a whole number of threads, at least 1; it is 'abc'"
                        + " (or use --torch-threads N)");
    }

    private static void reset(String key, String value) {
        if (value == null) {
            System.clearProperty(key);
        } else {
            System.setProperty(key, value);
        }
    }
}
