package io.trainscope.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.trainscope.proto.weightslab.ExperimentServiceGrpc;
import io.trainscope.proto.weightslab.GetLatestLoggerDataRequest;
import io.trainscope.proto.weightslab.GetSignalTrajectoryRequest;
import io.trainscope.proto.weightslab.GetSignalTrajectoryResponse;
import io.trainscope.proto.weightslab.LoggerDataPoint;
import io.trainscope.proto.weightslab.StepSamplesRequest;
import io.trainscope.proto.weightslab.StepSamplesResponse;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** GetStepSamples and GetSignalTrajectory over real gRPC, on a real (paused) training's per-sample losses. */
class SampleSignalsGrpcTest {

    private static final int STEP = 12;
    private static PausedTraining training;

    @BeforeAll
    static void start() throws Exception {
        training = PausedTraining.pausedPast(30);
    }

    @AfterAll
    static void stop() throws Exception {
        if (training != null) {
            training.close();
            training = null; // the class stays loaded after its tests: let the closed session go
        }
    }

    private static ExperimentServiceGrpc.ExperimentServiceBlockingStub client() {
        return ExperimentServiceGrpc.newBlockingStub(training.channel()).withDeadlineAfter(30, TimeUnit.SECONDS);
    }

    private static StepSamplesResponse stepSamples(String metric, int step, int max) {
        return client().getStepSamples(StepSamplesRequest.newBuilder().setMetricName(metric).setModelAge(step)
                .setMaxSamples(max).build());
    }

    @Test
    void aPointOfTheLossCurveIsTheMeanOfTheSamplesItsStepDrew() {
        LoggerDataPoint point = client().getLatestLoggerData(GetLatestLoggerDataRequest.newBuilder()
                        .setRequestFullHistory(true).addMetricNames("train/loss").build())
                .getPointsList().stream().filter(p -> p.getModelAge() == STEP).findFirst().orElseThrow();
        StepSamplesResponse reply = stepSamples("train/loss", STEP, 0);
        assertThat(reply.getSuccess()).as(reply.getMessage()).isTrue();
        assertThat(reply.getSampleIdsCount()).isEqualTo(reply.getTotalAvailable()).isEqualTo(LiveRun.BATCH_SIZE);
        double mean = reply.getSampleValuesList().stream().mapToDouble(Float::doubleValue).average().orElseThrow();
        assertThat(mean).isCloseTo(point.getMetricValue(), within(1e-4));
        assertThat(reply.getSampleIdsList()).isSortedAccordingTo((a, b) -> Long.compare(Long.parseLong(a), Long.parseLong(b)));
    }

    @Test
    void maxSamplesCutsTheIdsAndTheMessageSaysHowMany() {
        StepSamplesResponse reply = stepSamples("LOSS", STEP, 5);
        assertThat(reply.getSampleIdsList()).hasSize(5);
        assertThat(reply.getSampleValuesList()).hasSize(5);
        assertThat(reply.getMessage()).isEqualTo("5 of " + LiveRun.BATCH_SIZE + " sample(s)");
    }

    @Test
    void aStepNotTrainedYetIsEmptyNotAnError() {
        StepSamplesResponse reply = stepSamples("train/loss", 1_000_000, 0);
        assertThat(reply.getSuccess()).isTrue();
        assertThat(reply.getSampleIdsList()).isEmpty();
        assertThat(reply.getMessage()).contains("No per-sample data");
    }

    @Test
    void aSignalNotRecordedPerSampleIsRefusedNamingTheOneThatIs() {
        StepSamplesResponse reply = stepSamples("train/accuracy", STEP, 0);
        assertThat(reply.getSuccess()).isFalse();
        assertThat(reply.getMessage()).contains("'train/loss'");
        assertThat(stepSamples(" ", STEP, 0).getMessage()).startsWith("metric_name is required");
    }

    @Test
    void trajectoriesOfTheStepsSamplesHoldTheirLossAtThatStep() {
        StepSamplesResponse atStep = stepSamples("train/loss", STEP, 3);
        GetSignalTrajectoryResponse reply = client().getSignalTrajectory(GetSignalTrajectoryRequest.newBuilder()
                .setSignalName("train/loss").addAllSampleIds(atStep.getSampleIdsList()).build());
        assertThat(reply.getSuccess()).as(reply.getMessage()).isTrue();
        assertThat(reply.getSignalName()).isEqualTo("train/loss");
        // 30 steps of a 20k-sample epoch draw each sample once at most: nobody has the 3 points a line needs.
        assertThat(reply.getTrajectoriesList()).isEmpty();
        assertThat(reply.getMessage()).isEqualTo("No sample has >= 3 points for 'train/loss'");
    }

    @Test
    void aMalformedSampleIdIsRefusedWithAnExample() {
        GetSignalTrajectoryResponse reply = client().getSignalTrajectory(GetSignalTrajectoryRequest.newBuilder()
                .setSignalName("train/loss").addSampleIds("seven").build());
        assertThat(reply.getSuccess()).isFalse();
        assertThat(reply.getMessage()).contains("'seven'").contains("e.g. 42");
    }
}
