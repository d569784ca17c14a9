package io.trainscope.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.trainscope.proto.v1.SampleHistoryRequest;
import io.trainscope.proto.v1.SampleHistoryResponse;
import io.trainscope.proto.v1.SampleServiceGrpc;
import io.trainscope.proto.weightslab.CommandResponse;
import io.trainscope.proto.weightslab.ExperimentServiceGrpc;
import io.trainscope.proto.weightslab.GetLatestLoggerDataRequest;
import io.trainscope.proto.weightslab.HyperParameterCommand;
import io.trainscope.proto.weightslab.HyperParameters;
import io.trainscope.proto.weightslab.LoggerDataPoint;
import io.trainscope.proto.weightslab.RestoreCheckpointRequest;
import io.trainscope.proto.weightslab.RestoreCheckpointResponse;
import io.trainscope.proto.weightslab.StepSamplesRequest;
import io.trainscope.proto.weightslab.StepSamplesResponse;
import io.trainscope.proto.weightslab.TrainerCommand;
import io.trainscope.server.TrainingSession;
import io.trainscope.server.auth.AccessTokens;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * GetStepSamples over real gRPC on steps a real training went through twice: 30 steps with batch
 * 32, a restore to step 20, batch size 16, steps 21..30 again.
 */
class RetrainedStepSamplesGrpcTest {

    private static final int RETRAINED_STEP = 30;
    private static final int NEW_BATCH_SIZE = 16;
    private static TrainingSession session;
    private static ManagedChannel channel;
    private static String branch;

    @BeforeAll
    static void trainRestoreAndTrainAgain() throws Exception {
        session = LiveRun.shapes(AccessTokens.none(), true, 2_000);
        channel = NettyChannelBuilder.forAddress("127.0.0.1", session.server().port()).usePlaintext().build();
        LiveRun.await("model built", () -> session.experiment().checkpoints().attached(), 60);
        String original = session.experiment().runHash();
        LiveRun.trainWithCheckpoints(session, stub(), 10, RETRAINED_STEP);

        RestoreCheckpointResponse restored = stub().restoreCheckpoint(
                RestoreCheckpointRequest.newBuilder().setExperimentHash(original + "@@step=20").build());
        assertThat(restored.getSuccess()).as(restored.getMessage()).isTrue();
        branch = session.experiment().runHash();
        CommandResponse again = stub().experimentCommand(TrainerCommand.newBuilder()
                .setHyperParameterChange(HyperParameterCommand.newBuilder().setHyperParameters(
                        HyperParameters.newBuilder().setBatchSize(NEW_BATCH_SIZE).setNbSteps(10))).build());
        assertThat(again.getSuccess()).as(again.getMessage()).isTrue();
        LiveRun.await("steps 21..30 again", () -> session.experiment().step() == RETRAINED_STEP
                && session.experiment().gate().isPaused(), 120);
        session.experiment().samples().flush().join();
    }

    @AfterAll
    static void stop() throws Exception {
        if (channel != null) {
            channel.shutdownNow();
        }
        if (session != null) {
            session.close();
        }
    }

    private static ExperimentServiceGrpc.ExperimentServiceBlockingStub stub() {
        return ExperimentServiceGrpc.newBlockingStub(channel).withDeadlineAfter(60, TimeUnit.SECONDS);
    }

    private static StepSamplesResponse stepSamples(int step) {
        return stub().getStepSamples(StepSamplesRequest.newBuilder().setMetricName("train/loss").setModelAge(step).build());
    }

    @Test
    void aRetrainedStepListsTheBatchOfItsLatestPassWhoseMeanIsTheBranchsPoint() {
        StepSamplesResponse reply = stepSamples(RETRAINED_STEP);
        assertThat(reply.getSuccess()).as(reply.getMessage()).isTrue();
        assertThat(reply.getTotalAvailable()).isEqualTo(NEW_BATCH_SIZE);
        assertThat(reply.getSampleIdsList()).hasSize(NEW_BATCH_SIZE).doesNotHaveDuplicates();
        LoggerDataPoint point = stub().getLatestLoggerData(GetLatestLoggerDataRequest.newBuilder()
                        .setRequestFullHistory(true).addMetricNames("train/loss").addExperimentHashes(branch).build())
                .getPointsList().stream()
                .filter(p -> p.getModelAge() == RETRAINED_STEP && p.getExperimentHash().equals(branch))
                .findFirst().orElseThrow();
        double mean = reply.getSampleValuesList().stream().mapToDouble(Float::doubleValue).average().orElseThrow();
        assertThat(mean).isCloseTo(point.getMetricValue(), within(1e-4));
    }

    @Test
    void theHistoryOfASampleTheRetrainedStepDrewHasNoPointOfTheAbandonedPass() {
        StepSamplesResponse step = stepSamples(RETRAINED_STEP);
        for (int i = 0; i < 4; i++) {
            SampleHistoryResponse history = SampleServiceGrpc.newBlockingStub(channel).withDeadlineAfter(60, TimeUnit.SECONDS)
                    .getSampleHistory(SampleHistoryRequest.newBuilder().setOrigin("train")
                            .setSampleId(step.getSampleIds(i)).build());
            assertThat(history.getSuccess()).as(history.getMessage()).isTrue();
            // The first pass drew it at step 25 (batch 32); the branch drew it at step 30 only.
            assertThat(history.getStepsList()).as("the retrained steps 21..30").filteredOn(s -> s > 20 && s <= RETRAINED_STEP)
                    .containsExactly((long) RETRAINED_STEP);
            assertThat(history.getLosses(history.getStepsList().indexOf((long) RETRAINED_STEP)))
                    .isEqualTo(step.getSampleValues(i));
        }
    }

    @Test
    void aStepBeforeTheRestoreKeepsItsOnlyBatch() {
        assertThat(stepSamples(20).getTotalAvailable()).isEqualTo(LiveRun.BATCH_SIZE);
    }
}
