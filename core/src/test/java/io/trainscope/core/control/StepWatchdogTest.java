package io.trainscope.core.control;

import static org.assertj.core.api.Assertions.assertThat;

import io.trainscope.core.Experiment;
import io.trainscope.core.RunDescription;
import io.trainscope.core.live.LiveEvent;
import io.trainscope.core.live.Sequenced;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StepWatchdogTest {

    @TempDir
    Path runDirectory;

    @Test
    void aStepThatHoldsTheModelTooLongIsReportedInTheStatusOnce() throws Exception {
        Experiment experiment = new Experiment(new RunDescription("m", "d", 1, 1, 1e-3f, 1, 1, List.of("a"), "adam"),
                false, runDirectory);
        experiment.setStatus(RunStatus.RUNNING, "go");
        Thread loop = new Thread(() -> {
            long step = 0;
            while (experiment.gate().awaitStep(step)) {
                TrainingGateTest.sleepMillis(step == 2 ? 400 : 1); // step 3 is stuck for a while
                step++;
                experiment.stepCompleted(step, 0);
            }
        });
        try (StepWatchdog watchdog = new StepWatchdog(experiment, Duration.ofMillis(150), Duration.ofMillis(20))) {
            loop.start();
            TrainingGateTest.waitUntil(() -> experiment.step() > 3);
            List<String> messages = experiment.feed().log().readAfter(0, 100).stream().map(Sequenced::event)
                    .filter(e -> e instanceof LiveEvent.StatusChange).map(e -> ((LiveEvent.StatusChange) e).message())
                    .filter(m -> m.contains("held the model")).toList();
            assertThat(messages).containsExactly("Step 3 has held the model for 0 s (limit 0 s): the training may be stuck");
        } finally {
            experiment.gate().close();
            loop.join(2000);
            experiment.close();
        }
    }
}
