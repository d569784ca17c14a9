package io.trainscope.core.signals;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class DownsamplerTest {

    private static final int N = 100_000;
    private final long[] steps = consecutiveSteps(N);
    private final float[] values = smoothCurve(N);

    @Test
    void aSingleHugeValueInsideABucketSurvives() {
        values[41_234] = 1e6f;
        int[] kept = Downsampler.select(steps, values, N, StepRange.ALL, 100, new int[0]);
        assertThat(kept).contains(41_234);
    }

    @Test
    void aSingleDeepDipInsideABucketSurvives() {
        values[77_777] = -1e6f;
        int[] kept = Downsampler.select(steps, values, N, StepRange.ALL, 100, new int[0]);
        assertThat(kept).contains(77_777);
    }

    @Test
    void firstAndLastPointsAreAlwaysKept() {
        int[] kept = Downsampler.select(steps, values, N, StepRange.ALL, 10, new int[0]);
        assertThat(kept[0]).isZero();
        assertThat(kept[kept.length - 1]).isEqualTo(N - 1);
    }

    @Test
    void theResultIsSortedAndNoLargerThanTheTargetPlusTheAlwaysKeptPoints() {
        int[] alwaysKeep = {5, 500, 5_000, 50_000};
        for (int target : new int[] {3, 4, 5, 10, 101, 1000}) {
            int[] kept = Downsampler.select(steps, values, N, StepRange.ALL, target, alwaysKeep);
            assertThat(kept).isSorted().doesNotHaveDuplicates().contains(alwaysKeep);
            assertThat(kept.length).isLessThanOrEqualTo(target + alwaysKeep.length);
        }
    }

    @Test
    void alwaysKeptPointsSurviveEvenBeyondTheTarget() {
        int[] alwaysKeep = IntStream.range(0, 50).map(i -> i * 1_000 + 3).toArray();
        int[] kept = Downsampler.select(steps, values, N, StepRange.ALL, 10, alwaysKeep);
        assertThat(kept).contains(alwaysKeep);
        assertThat(kept.length).isGreaterThan(10);
    }

    @Test
    void aCurveNoLongerThanTheTargetIsReturnedWhole() {
        int[] kept = Downsampler.select(steps, values, 50, StepRange.ALL, 50, new int[0]);
        assertThat(kept).containsExactly(IntStream.range(0, 50).toArray());
    }

    @Test
    void aStepRangeReBucketsOnlyTheVisiblePoints() {
        values[20_500] = 1e6f;
        StepRange visible = new StepRange(20_000, 20_999);
        int[] kept = Downsampler.select(steps, values, N, visible, 100, new int[] {10, 20_100, 90_000});
        assertThat(Arrays.stream(kept).mapToLong(i -> steps[i])).allMatch(visible::contains);
        assertThat(kept).contains(20_000, 20_999, 20_500, 20_100).doesNotContain(10, 90_000);
        assertThat(kept.length).isLessThanOrEqualTo(101);
        int[] zoomedIn = Downsampler.select(steps, values, N, new StepRange(20_000, 20_049), 100, new int[0]);
        assertThat(zoomedIn).containsExactly(IntStream.range(20_000, 20_050).toArray());
    }

    @Test
    void aRangeWithoutPointsGivesNothing() {
        assertThat(Downsampler.select(steps, values, N, new StepRange(N + 10, N + 20), 100, new int[] {3})).isEmpty();
    }

    @Test
    void theSameInputGivesTheSameOutput() {
        float[] noisy = noise(N, 7);
        int[] first = Downsampler.select(steps, noisy, N, StepRange.ALL, 1000, new int[] {17});
        int[] second = Downsampler.select(steps.clone(), noisy.clone(), N, StepRange.ALL, 1000, new int[] {17});
        assertThat(second).containsExactly(first);
    }

    @Test
    void blockExtremesGiveTheSamePointsAsAFullScan() {
        Random random = new Random(11);
        for (int round = 0; round < 50; round++) {
            int size = 1 + random.nextInt(5_000);
            long[] s = new long[size];
            for (int i = 1; i < size; i++) {
                s[i] = s[i - 1] + random.nextInt(3);
            }
            float[] v = noise(size, round);
            for (int i = 0; i < size / 20; i++) {
                v[random.nextInt(size)] = random.nextBoolean() ? Float.NaN : v[random.nextInt(size)];
            }
            BlockExtremes blocks = BlockExtremes.of(v, size);
            int target = 3 + random.nextInt(300);
            StepRange range = new StepRange(s[random.nextInt(size)] / 2, s[size - 1] - random.nextInt(10));
            int[] scanned = Downsampler.select(s, v, size, range, target, new int[0]);
            int[] withBlocks = Downsampler.select(s, v, size, range, target, new int[0], blocks);
            assertThat(withBlocks).as("round %d", round).containsExactly(scanned);
        }
    }

    @Test
    void searchingOutwardsFromAGuessFindsTheSameEdgeAsABinarySearch() {
        Random random = new Random(3);
        for (int round = 0; round < 2_000; round++) {
            int size = random.nextInt(200);
            long[] s = new long[size];
            for (int i = 1; i < size; i++) {
                s[i] = s[i - 1] + random.nextInt(4);
            }
            int from = size == 0 ? 0 : random.nextInt(size + 1);
            int to = from + random.nextInt(size - from + 1);
            long key = random.nextInt(size * 2 + 2) - 1;
            int guess = random.nextInt(size + 3) - 1;
            assertThat(Downsampler.lowerBoundNear(s, from, to, key, guess))
                    .as("round %d", round)
                    .isEqualTo(Downsampler.lowerBound(s, from, to, key));
        }
    }

    @Test
    void aBucketOfOnlyNaNKeepsItsFirstPointSoADivergenceShows() {
        Arrays.fill(values, 50_000, N, Float.NaN);
        int[] kept = Downsampler.select(steps, values, N, StepRange.ALL, 100, new int[0]);
        assertThat(Arrays.stream(kept).filter(i -> i >= 50_000)).hasSizeGreaterThan(20);
    }

    @Test
    void withRoomForOnePointBetweenFirstAndLastTheStrongestExtremeIsKept() {
        values[30_000] = 500f;
        int[] kept = Downsampler.select(steps, values, N, StepRange.ALL, 3, new int[0]);
        assertThat(kept).containsExactly(0, 30_000, N - 1);
    }

    @Test
    void aTargetBelowThreeIsRefusedWithItsName() {
        assertThatThrownBy(() -> Downsampler.select(steps, values, N, StepRange.ALL, 2, new int[0]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxPoints");
    }

    private static float[] smoothCurve(int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (2 * Math.exp(-i / 20_000.0) + 0.01 * Math.sin(i / 50.0));
        }
        return v;
    }

    private static float[] noise(int n, long seed) {
        Random random = new Random(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) random.nextGaussian();
        }
        return v;
    }

    private static long[] consecutiveSteps(int n) {
        long[] s = new long[n];
        Arrays.setAll(s, i -> i);
        return s;
    }
}
