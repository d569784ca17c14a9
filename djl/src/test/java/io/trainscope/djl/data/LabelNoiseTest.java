package io.trainscope.djl.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class LabelNoiseTest {

    private final ImageDataset clean = GeneratedShapes.create("shapes/train", 1_001, 1);

    @Test
    void sameSeedFlipsTheSameSamplesToTheSameLabels() {
        LabelNoise a = LabelNoise.apply(clean, 0.1, 42);
        LabelNoise b = LabelNoise.apply(clean, 0.1, 42);

        assertThat(a.flipped()).isEqualTo(b.flipped());
        assertThat(a.noisy().labels()).isEqualTo(b.noisy().labels());
        assertThat(LabelNoise.apply(clean, 0.1, 43).flipped()).isNotEqualTo(a.flipped());
    }

    @Test
    void flipsExactlyTheRoundedFractionOfTheSamples() {
        LabelNoise noise = LabelNoise.apply(clean, 0.1, 42);

        assertThat(noise.flippedCount()).isEqualTo(100); // round(0.1 * 1001)
        assertThat(LabelNoise.apply(clean, 0.2505, 7).flippedCount()).isEqualTo(251); // round(250.75)
        int changed = 0;
        for (int i = 0; i < clean.size(); i++) {
            changed += noise.noisy().labels()[i] != clean.labels()[i] ? 1 : 0;
        }
        assertThat(changed).isEqualTo(100);
    }

    @Test
    void everyFlippedLabelIsAnotherClassAndTheRestAreKept() {
        LabelNoise noise = LabelNoise.apply(clean, 0.5, 42);

        for (int i = 0; i < clean.size(); i++) {
            int label = noise.noisy().labels()[i];
            assertThat(noise.cleanLabels()[i]).isEqualTo(clean.labels()[i]);
            assertThat(label).isBetween(0, clean.classCount() - 1);
            if (noise.flipped()[i] == 1) {
                assertThat(label).isNotEqualTo(clean.labels()[i]);
            } else {
                assertThat(noise.flipped()[i]).isZero();
                assertThat(label).isEqualTo(clean.labels()[i]);
            }
        }
    }

    @Test
    void zeroFractionIsTheIdentity() {
        LabelNoise noise = LabelNoise.apply(clean, 0, 42);

        assertThat(noise.noisy()).isSameAs(clean);
        assertThat(noise.flippedCount()).isZero();
        assertThat(noise.cleanLabels()).isEqualTo(clean.labels());
    }

    @Test
    void metadataHoldsTheCleanLabelsAndTheFlippedFlags() {
        LabelNoise noise = LabelNoise.apply(clean, 0.1, 42);

        assertThat(noise.metadata()).containsOnlyKeys("clean_label", "label_flipped");
        assertThat(noise.metadata().get("clean_label")).isEqualTo(clean.labels());
        assertThat(noise.metadata().get("label_flipped")).isEqualTo(noise.flipped());
    }

    @Test
    void theCleanDataSetIsNotChanged() {
        int[] before = clean.labels().clone();

        LabelNoise.apply(clean, 0.3, 42);

        assertThat(clean.labels()).isEqualTo(before);
    }

    @Test
    void fractionOutsideZeroToOneIsRefusedWithItsValue() {
        assertThatThrownBy(() -> LabelNoise.apply(clean, 1.0, 42))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("below 1").hasMessageContaining("1.0");
        assertThatThrownBy(() -> LabelNoise.apply(clean, -0.1, 42)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> LabelNoise.apply(clean, Double.NaN, 42)).isInstanceOf(IllegalArgumentException.class);
    }
}
