package io.trainscope.core.live;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FramePacerTest {

    private static final long MS = 1_000_000;

    @Test
    void stepsFasterThanTheRateShareOneFramePerInterval() {
        FramePacer pacer = new FramePacer(60);
        int frames = 0;
        for (long t = 0; t < 1_000 * MS; t += 5 * MS) { // 200 steps/s for one second
            if (pacer.due(t)) {
                frames++;
            }
        }
        assertThat(frames).isBetween(55, 70);
        assertThat(pacer.skipped()).isEqualTo(200 - frames);
    }

    @Test
    void stepsAtSixtyPerSecondAllBecomeFramesDespiteJitter() {
        FramePacer pacer = new FramePacer(60);
        int frames = 0;
        long t = 0;
        for (int i = 0; i < 600; i++) {
            t += 16_666_667L + (i % 2 == 0 ? -MS : MS); // ±1 ms jitter
            if (pacer.due(t)) {
                frames++;
            }
        }
        assertThat(frames).isEqualTo(600);
    }

    @Test
    void stepsSomewhatFasterThanTheRateStillGiveTheFullRate() {
        FramePacer pacer = new FramePacer(60);
        int frames = 0;
        for (long t = 0; t < 10_000 * MS; t += 13 * MS) { // 77 steps/s for ten seconds
            if (pacer.due(t)) {
                frames++;
            }
        }
        assertThat(frames).isBetween(595, 605);
    }

    @Test
    void afterAPauseOnlyAShortBurstCatchesUp() {
        FramePacer pacer = new FramePacer(60);
        pacer.due(0);
        long t = 10_000 * MS; // ten seconds paused
        int burst = 0;
        for (int i = 0; i < 5; i++, t += MS) {
            if (pacer.due(t)) {
                burst++;
            }
        }
        assertThat(burst).isEqualTo((int) FramePacer.BURST);
    }

    @Test
    void unevenStepsBelowTheRateAllBecomeFrames() {
        FramePacer pacer = new FramePacer(60);
        int frames = 0;
        long t = 0;
        for (int i = 0; i < 1_000; i++) {
            t += (i % 2 == 0 ? 13 : 25) * MS; // 52.6 steps/s, alternating fast and slow
            if (pacer.due(t)) {
                frames++;
            }
        }
        assertThat(frames).isEqualTo(1_000);
    }

    @Test
    void zeroMeansEveryStep() {
        FramePacer pacer = new FramePacer(0);
        for (int i = 0; i < 100; i++) {
            assertThat(pacer.due(i)).isTrue();
        }
    }
}
