package io.trainscope.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.trainscope.core.control.RunStatus;
import io.trainscope.core.samples.SampleKey;
import io.trainscope.proto.weightslab.CancelEvaluationRequest;
import io.trainscope.proto.weightslab.CancelEvaluationResponse;
import io.trainscope.proto.weightslab.CommandResponse;
import io.trainscope.proto.weightslab.ExperimentServiceGrpc;
import io.trainscope.proto.weightslab.GetEvaluationStatusRequest;
import io.trainscope.proto.weightslab.GetEvaluationStatusResponse;
import io.trainscope.proto.weightslab.GetLatestLoggerDataRequest;
import io.trainscope.proto.weightslab.HyperParameterCommand;
import io.trainscope.proto.weightslab.HyperParameters;
import io.trainscope.proto.weightslab.LoggerDataPoint;
import io.trainscope.proto.weightslab.TrainerCommand;
import io.trainscope.proto.weightslab.TriggerEvaluationRequest;
import io.trainscope.proto.weightslab.TriggerEvaluationResponse;
import io.trainscope.server.TrainingSession;
import io.trainscope.server.auth.AccessTokens;
import java.nio.file.Files;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** WeightsLab's evaluation RPCs over a real gRPC connection to a real training, on a test split of 4000 images. */
class EvaluationGrpcTest {

    /** With 4 images a batch, evaluating the test split takes 1000 batches: long enough to watch and cancel. */
    private static final int SMALL_BATCH = 4;

    private static TrainingSession session;
    private static ManagedChannel channel;
    private static ExperimentServiceGrpc.ExperimentServiceBlockingStub stub;

    @BeforeAll
    static void start() throws Exception {
        session = LiveRun.shapes(AccessTokens.none(), false, 20_000, 4_000);
        channel = NettyChannelBuilder.forAddress("127.0.0.1", session.server().port()).usePlaintext().build();
        stub = ExperimentServiceGrpc.newBlockingStub(channel);
        LiveRun.await("training runs", () -> session.experiment().step() > 5, 60);
    }

    @AfterAll
    static void stop() throws Exception {
        channel.shutdownNow();
        session.close();
        session = null; // the class stays loaded after its tests: let the closed session go
    }

    @BeforeEach
    void smallBatchesAndTraining() throws Exception {
        change(HyperParameters.newBuilder().setTestBatchSize(SMALL_BATCH).setIsTraining(true));
        LiveRun.await("running", () -> session.experiment().status() == RunStatus.RUNNING, 10);
    }

    @AfterEach
    void nothingLeftRunning() throws Exception {
        stub().cancelEvaluation(CancelEvaluationRequest.getDefaultInstance());
        LiveRun.await("no evaluation active", () -> !Set.of("requested", "running").contains(status().getStatus()), 30);
    }

    @Test
    void progressMovesBatchByBatchUntilDone() throws Exception {
        change(HyperParameters.newBuilder().setTestBatchSize(20)); // 200 batches
        TriggerEvaluationResponse trigger = trigger("test");
        assertThat(trigger.getSuccess()).isTrue();
        assertThat(trigger.getMessage()).isEqualTo("Evaluation on 'test' requested; training pauses for it and stays"
                + " paused after it");
        TreeSet<Integer> seenWhileRunning = new TreeSet<>();
        GetEvaluationStatusResponse last = status();
        while (!last.getStatus().equals("done")) {
            if (last.getStatus().equals("running")) {
                assertThat(last.getTotal()).as("0 until known").isIn(0, 200);
                assertThat(last.getSplitName()).isEqualTo("test");
                assertThat(last.getMessage()).isEqualTo("Evaluating 'test'\u2026");
                seenWhileRunning.add(last.getCurrent());
            }
            assertThat(last.getStatus()).isIn("requested", "running");
            Thread.sleep(5);
            last = status();
        }
        assertThat(seenWhileRunning).as("current values seen while running").hasSizeGreaterThan(2);
        assertThat(last.getCurrent()).isEqualTo(200);
        assertThat(last.getTotal()).isEqualTo(200);
        assertThat(last.getError()).isEmpty();
        assertThat(last.getMessage()).startsWith("Done: loss ").contains("on 4000 samples of 'test'");
    }

    @Test
    void aSecondTriggerWhileOneRunsIsRefusedWithAClearMessage() throws Exception {
        assertThat(trigger("test").getSuccess()).isTrue();
        // "running" is set as the request is taken; its batch count once the training thread starts it.
        LiveRun.await("running", () -> status().getStatus().equals("running") && status().getTotal() > 0, 30);
        TriggerEvaluationResponse second = trigger("train");
        assertThat(second.getSuccess()).isFalse();
        assertThat(second.getMessage()).startsWith("Evaluation already in progress: 'test' at batch ")
                .endsWith("of 1000; cancel it or wait until it ends, then trigger again");
        assertThat(status().getSplitName()).isEqualTo("test");
        assertThat(auditLines()).last().asString().contains("\"action\":\"evaluation_trigger\"")
                .contains("\"split_name\":\"train\"").contains("refused: Evaluation already in progress");
    }

    @Test
    void cancelStopsWithinOneBatch() throws Exception {
        assertThat(trigger("test").getSuccess()).isTrue();
        LiveRun.await("some batches done", () -> status().getCurrent() >= 20, 30);
        CancelEvaluationResponse cancel = stub().cancelEvaluation(CancelEvaluationRequest.newBuilder()
                .setReason("wrong split").build());
        int currentAfterCancel = status().getCurrent();
        assertThat(cancel.getSuccess()).isTrue();
        assertThat(cancel.getMessage()).isEqualTo("Evaluation canceled: wrong split");
        LiveRun.await("canceled", () -> status().getStatus().equals("canceled"), 10);
        GetEvaluationStatusResponse canceled = status();
        assertThat(canceled.getCurrent()).as("at most the batch in flight finishes").isBetween(currentAfterCancel,
                currentAfterCancel + 1);
        assertThat(canceled.getTotal()).isEqualTo(1000);
        assertThat(canceled.getMessage()).isEqualTo("wrong split");
        assertThat(canceled.getError()).isEqualTo("Evaluation canceled by user");
        Thread.sleep(200);
        assertThat(status().getCurrent()).isEqualTo(canceled.getCurrent());
        assertThat(stub().cancelEvaluation(CancelEvaluationRequest.getDefaultInstance()).getMessage())
                .isEqualTo("No active evaluation to cancel");
        assertThat(auditLines()).anySatisfy(line -> assertThat(line).contains("\"action\":\"evaluation_cancel\"")
                .contains("\"reason\":\"wrong split\"").contains("\"result\":\"Evaluation canceled: wrong split\""));
    }

    @Test
    void trainingIsPausedWhileAndAfterItRuns() throws Exception {
        change(HyperParameters.newBuilder().setEvaluationConfig("{\"split\": \"test\", \"max_steps\": 5}"));
        LiveRun.await("done", () -> status().getStatus().equals("done"), 60);
        assertThat(session.experiment().status()).isEqualTo(RunStatus.PAUSED);
        long step = session.experiment().step();
        Thread.sleep(200);
        assertThat(session.experiment().step()).isEqualTo(step);
    }

    @Test
    void markersAppearInGetLatestLoggerDataAndPerSampleResultsInTheTable() throws Exception {
        change(HyperParameters.newBuilder().setTestBatchSize(500));
        trigger("test");
        LiveRun.await("done", () -> status().getStatus().equals("done"), 60);
        long step = session.experiment().step();
        List<LoggerDataPoint> points = stub().getLatestLoggerData(GetLatestLoggerDataRequest.newBuilder()
                .setRequestFullHistory(true).addMetricNames("eval/test/loss").addMetricNames("eval/test/accuracy").build())
                .getPointsList();
        String runHash = session.experiment().runHash();
        assertThat(points).filteredOn(p -> p.getModelAge() == step).hasSize(2).allSatisfy(p -> {
            assertThat(p.getIsEvaluationMarker()).isTrue();
            assertThat(p.getSplitName()).isEqualTo("test");
            assertThat(p.getExperimentHash()).matches(runHash + "_\\d+");
        });
        LoggerDataPoint accuracy = points.stream().filter(p -> p.getModelAge() == step
                && p.getMetricName().equals("eval/test/accuracy")).findFirst().orElseThrow();
        assertThat(accuracy.getMetricValue()).isBetween(0f, 1f);
        session.experiment().samples().flush().join();
        var sample = session.experiment().samples().views().find(new SampleKey("test", 3999)).orElseThrow();
        assertThat(sample.loss()).isNotNull();
        assertThat(sample.prediction()).isNotNull();
        assertThat(sample.lastStep()).isEqualTo(step);
    }

    @Test
    void evaluationConfigTriggersWithAStepCapAndCancels() throws Exception {
        CommandResponse capped = change(HyperParameters.newBuilder()
                .setEvaluationConfig("{\"split\": \"test\", \"max_steps\": 3}"));
        assertThat(capped.getSuccess()).isTrue();
        LiveRun.await("done", () -> status().getStatus().equals("done"), 30);
        assertThat(status().getTotal()).isEqualTo(3);
        change(HyperParameters.newBuilder().setEvaluationConfig("{\"split\": \"test\"}"));
        CommandResponse cancel = change(HyperParameters.newBuilder().setEvaluationConfig("{\"cancel\": true}"));
        assertThat(cancel.getSuccess()).isTrue();
        assertThat(cancel.getMessage()).isEqualTo("Evaluation canceled: Canceled by user");
        assertThat(change(HyperParameters.newBuilder().setEvaluationConfig("not json")).getMessage())
                .startsWith("evaluation_config is not JSON");
    }

    @Test
    void anUnknownSplitOrAnEmptyOneIsRefusedAndStatusNeverFails() {
        assertThat(trigger("").getMessage()).isEqualTo("split_name is required");
        TriggerEvaluationResponse unknown = trigger("validation");
        assertThat(unknown.getSuccess()).isFalse();
        assertThat(unknown.getMessage()).isEqualTo("Loader 'validation' not found. Splits: train, test");
        assertThat(status().getStatus()).isIn("idle", "done", "canceled", "error");
    }

    private static TriggerEvaluationResponse trigger(String split) {
        return stub().triggerEvaluation(TriggerEvaluationRequest.newBuilder().setSplitName(split).setUseFullSet(true)
                .build());
    }

    private static GetEvaluationStatusResponse status() {
        return stub().getEvaluationStatus(GetEvaluationStatusRequest.getDefaultInstance());
    }

    private static CommandResponse change(HyperParameters.Builder hp) {
        return stub().experimentCommand(TrainerCommand.newBuilder()
                .setHyperParameterChange(HyperParameterCommand.newBuilder().setHyperParameters(hp)).build());
    }

    private static ExperimentServiceGrpc.ExperimentServiceBlockingStub stub() {
        return stub.withDeadlineAfter(70, TimeUnit.SECONDS);
    }

    private static List<String> auditLines() throws Exception {
        return Files.readAllLines(session.experiment().audit().file());
    }
}
