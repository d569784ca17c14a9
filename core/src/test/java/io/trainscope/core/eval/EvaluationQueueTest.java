package io.trainscope.core.eval;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class EvaluationQueueTest {

    private final EvaluationQueue queue = new EvaluationQueue();

    @Test
    void startsIdleWithNothingToCancel() {
        assertThat(queue.progress()).isEqualTo(EvaluationProgress.IDLE);
        assertThat(queue.cancel("")).isEqualTo(new EvaluationQueue.Answer(false, "No active evaluation to cancel"));
        assertThat(queue.start()).isEmpty();
    }

    @Test
    void aTriggerIsRequestedUntilTheTrainingThreadStartsIt() {
        assertThat(queue.trigger(EvaluationRequest.of("test")))
                .isEqualTo(new EvaluationQueue.Answer(true, "Evaluation on 'test' requested"));
        assertThat(queue.progress()).isEqualTo(new EvaluationProgress(EvaluationState.REQUESTED, 0, 0,
                "Evaluation pending\u2026", "", "test"));
        assertThat(queue.start()).contains(EvaluationRequest.of("test"));
        assertThat(queue.progress().state()).isEqualTo(EvaluationState.RUNNING);
        assertThat(queue.progress().message()).isEqualTo("Evaluating 'test'\u2026");
        assertThat(queue.start()).as("started once").isEmpty();
    }

    @Test
    void progressCountsBatchesOfTheKnownTotalAndDoneKeepsThem() {
        queue.trigger(EvaluationRequest.of("test"));
        queue.start();
        queue.total(3);
        queue.batchDone();
        queue.batchDone();
        assertThat(queue.progress()).extracting(EvaluationProgress::current, EvaluationProgress::total).containsExactly(2, 3);
        queue.batchDone();
        queue.done("Done: loss 0.1");
        assertThat(queue.progress()).isEqualTo(new EvaluationProgress(EvaluationState.DONE, 3, 3, "Done: loss 0.1", "",
                "test"));
    }

    @Test
    void aSecondTriggerWhileOneRunsIsRefusedWithAClearMessage() {
        queue.trigger(EvaluationRequest.of("test"));
        queue.start();
        queue.total(10);
        queue.batchDone();
        EvaluationQueue.Answer second = queue.trigger(EvaluationRequest.of("train"));
        assertThat(second.accepted()).isFalse();
        assertThat(second.message()).startsWith("Evaluation already in progress").contains("'test' at batch 1 of 10");
        assertThat(queue.progress().split()).isEqualTo("test");
        assertThat(queue.progress().state()).isEqualTo(EvaluationState.RUNNING);
    }

    @Test
    void aTriggerWhileOneWaitsReplacesIt() {
        queue.trigger(EvaluationRequest.of("test"));
        EvaluationQueue.Answer second = queue.trigger(EvaluationRequest.of("train"));
        assertThat(second.accepted()).isTrue();
        assertThat(second.message()).isEqualTo("Evaluation on 'train' requested (replacing the waiting request on 'test')");
        assertThat(queue.start()).contains(EvaluationRequest.of("train"));
    }

    @Test
    void cancelBeforeStartEndsAtOnceAndNothingRuns() {
        queue.trigger(EvaluationRequest.of("test"));
        assertThat(queue.cancel("")).isEqualTo(new EvaluationQueue.Answer(true, "Evaluation canceled: Canceled by user"));
        assertThat(queue.progress()).isEqualTo(new EvaluationProgress(EvaluationState.CANCELED, 0, 0, "Canceled by user",
                "Evaluation canceled before start", "test"));
        assertThat(queue.start()).isEmpty();
    }

    @Test
    void cancelWhileRunningIsSeenBeforeTheNextBatchAndKeepsItsReason() {
        queue.trigger(EvaluationRequest.of("test"));
        queue.start();
        queue.total(5);
        queue.batchDone();
        assertThat(queue.cancelRequested()).isFalse();
        assertThat(queue.cancel("wrong split").accepted()).isTrue();
        assertThat(queue.progress().state()).as("the training thread moves it").isEqualTo(EvaluationState.RUNNING);
        assertThat(queue.progress().message()).isEqualTo("wrong split");
        assertThat(queue.cancelRequested()).isTrue();
        queue.canceled();
        assertThat(queue.progress()).isEqualTo(new EvaluationProgress(EvaluationState.CANCELED, 1, 5, "wrong split",
                "Evaluation canceled by user", "test"));
        assertThat(queue.cancel("again").accepted()).isFalse();
    }

    @Test
    void aFinishedStateStaysUntilTheNextTrigger() {
        queue.trigger(EvaluationRequest.of("test"));
        queue.start();
        queue.failed("Evaluation set is empty after filtering");
        assertThat(queue.progress().state()).isEqualTo(EvaluationState.ERROR);
        assertThat(queue.progress().error()).isEqualTo("Evaluation set is empty after filtering");
        assertThat(queue.trigger(EvaluationRequest.of("test")).accepted()).isTrue();
        assertThat(queue.progress()).isEqualTo(new EvaluationProgress(EvaluationState.REQUESTED, 0, 0,
                "Evaluation pending\u2026", "", "test"));
    }

    @Test
    void aBlankSplitIsRefused() {
        assertThat(queue.trigger(EvaluationRequest.of(" "))).isEqualTo(new EvaluationQueue.Answer(false,
                "split_name is required"));
        assertThat(queue.progress()).isEqualTo(EvaluationProgress.IDLE);
    }

    @Test
    void statusNamesAreWeightsLabs() {
        assertThat(EvaluationState.values()).extracting(EvaluationState::wireName)
                .containsExactly("idle", "requested", "running", "done", "canceled", "error");
    }
}
