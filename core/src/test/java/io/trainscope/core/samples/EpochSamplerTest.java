package io.trainscope.core.samples;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class EpochSamplerTest {

    @Test
    void everySampleIsDrawnOncePerEpochWhateverTheBatchSizes() {
        EpochSampler sampler = new EpochSampler(100, 7);
        sampler.startEpoch();
        List<Integer> drawn = new ArrayList<>();
        int size = 3;
        while (!sampler.epochDone()) {
            for (int i : sampler.nextBatch(size)) {
                drawn.add(i);
            }
            size = size == 3 ? 17 : 3; // the batch size changes live
        }
        assertThat(drawn).containsExactlyInAnyOrderElementsOf(IntStream.range(0, 100).boxed().toList());
    }

    @Test
    void theOrderIsTheSameForTheSameSeedAndDiffersBetweenEpochs() {
        EpochSampler a = new EpochSampler(50, 42);
        EpochSampler b = new EpochSampler(50, 42);
        a.startEpoch();
        b.startEpoch();
        int[] first = a.nextBatch(50);
        assertThat(b.nextBatch(50)).containsExactly(first);
        a.startEpoch();
        assertThat(a.nextBatch(50)).isNotEqualTo(first);
    }
}
