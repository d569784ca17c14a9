package io.trainscope.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.UnknownFieldSet;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.trainscope.core.control.RunStatus;
import io.trainscope.proto.weightslab.CommandResponse;
import io.trainscope.proto.weightslab.ExperimentServiceGrpc;
import io.trainscope.proto.weightslab.ExportAnnotationsRequest;
import io.trainscope.proto.weightslab.HyperParameterCommand;
import io.trainscope.proto.weightslab.HyperParameterDesc;
import io.trainscope.proto.weightslab.HyperParameters;
import io.trainscope.proto.weightslab.TrainerCommand;
import io.trainscope.server.TrainingSession;
import io.trainscope.server.auth.AccessTokens;
import java.nio.file.Files;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** WeightsLab's ExperimentCommand over a real gRPC connection to a real training. */
class ExperimentCommandGrpcTest {

    private static TrainingSession session;
    private static ManagedChannel channel;
    private static ExperimentServiceGrpc.ExperimentServiceBlockingStub stub;

    @BeforeAll
    static void start() throws Exception {
        session = LiveRun.shapes(AccessTokens.none(), false);
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
    void running() throws Exception {
        change(HyperParameters.newBuilder().setIsTraining(true));
        LiveRun.await("running", () -> session.experiment().status() == RunStatus.RUNNING, 10);
    }

    @Test
    void getHyperParametersListsEveryLiveValueInAStableOrder() {
        TrainerCommand read = TrainerCommand.newBuilder().setGetHyperParameters(true).build();
        List<HyperParameterDesc> first = call(read).getHyperParametersDescsList();
        assertThat(first).extracting(HyperParameterDesc::getName).containsExactly("experiment_name", "last_hash",
                "model_age", "total_training_steps", "training_left", "learning_rate", "batch_size", "val_batch_size",
                "test_batch_size", "eval_frequency", "checkpoint_frequency", "is_training", "auditor_mode",
                "evaluation_mode");
        assertThat(call(read).getHyperParametersDescsList()).extracting(HyperParameterDesc::getName)
                .containsExactlyElementsOf(first.stream().map(HyperParameterDesc::getName).toList());
        assertThat(value(first, "is_training")).isEqualTo(1f);
        assertThat(first.get(0).getType()).isEqualTo("text");
        assertThat(first.get(0).hasStringValue()).isTrue();
    }

    @Test
    void isTrainingFalseSentWithExplicitPresencePausesAtTheStepItNames() {
        CommandResponse reply = change(HyperParameters.newBuilder().setIsTraining(false));
        assertThat(reply.getSuccess()).isTrue();
        long step = session.experiment().step();
        assertThat(reply.getMessage()).isEqualTo("Applied at step " + step + ": paused");
        assertThat(session.experiment().status()).isEqualTo(RunStatus.PAUSED);
        assertThat(value(call(TrainerCommand.newBuilder().setGetHyperParameters(true).build())
                .getHyperParametersDescsList(), "is_training")).isZero();
    }

    @Test
    void nbStepsRunsExactlyThatManyStepsThenPauses() throws Exception {
        change(HyperParameters.newBuilder().setIsTraining(false));
        long from = session.experiment().step();
        CommandResponse reply = change(HyperParameters.newBuilder().setIsTraining(true).setNbSteps(7));
        assertThat(reply.getMessage()).isEqualTo("Applied at step " + from + ": running 7 steps, then pausing at step "
                + (from + 7));
        LiveRun.await("paused after 7 steps", () -> session.experiment().status() == RunStatus.PAUSED, 30);
        Thread.sleep(200);
        assertThat(session.experiment().step()).isEqualTo(from + 7);
    }

    @Test
    void aLearningRateChangeTakesEffectAtTheNamedStepAndIsAuditedBeforeTheReply() throws Exception {
        CommandResponse reply = change(HyperParameters.newBuilder().setLearningRate(2e-4f));
        assertThat(reply.getSuccess()).isTrue();
        assertThat(reply.getMessage()).matches("Applied at step \\d+: learning_rate [0-9.E-]+ → 2.0E-4");
        assertThat(session.experiment().hyperParameters().learningRate()).isEqualTo(2e-4f);
        List<String> audit = Files.readAllLines(session.experiment().audit().file());
        assertThat(audit.get(audit.size() - 1)).contains("\"action\":\"hp_change\"")
                .contains("\"learning_rate\":\"2.0E-4\"").contains("\"caller\":\"anonymous@")
                .contains(reply.getMessage());
    }

    @Test
    void badValuesAreRefusedWithAReasonAndNothingChanges() {
        float lr = session.experiment().hyperParameters().learningRate();
        int batch = session.experiment().hyperParameters().batchSize();
        CommandResponse negative = change(HyperParameters.newBuilder().setBatchSize(-4).setLearningRate(1e-4f));
        assertThat(negative.getSuccess()).isFalse();
        assertThat(negative.getMessage()).contains("batch size must be between 1 and 4096, got -4");
        CommandResponse nan = change(HyperParameters.newBuilder().setLearningRate(Float.NaN));
        assertThat(nan.getSuccess()).isFalse();
        assertThat(nan.getMessage()).contains("learning rate must be a finite number");
        CommandResponse unknown = call(TrainerCommand.newBuilder().setHyperParameterChange(HyperParameterCommand
                .newBuilder().setHyperParameters(HyperParameters.newBuilder().setLearningRate(1e-4f)
                        .setUnknownFields(UnknownFieldSet.newBuilder()
                                .addField(99, UnknownFieldSet.Field.newBuilder().addVarint(1).build()).build())))
                .build());
        assertThat(unknown.getSuccess()).isFalse();
        assertThat(unknown.getMessage()).contains("Unknown hyperparameter field(s) [99]");
        assertThat(session.experiment().hyperParameters().learningRate()).isEqualTo(lr);
        assertThat(session.experiment().hyperParameters().batchSize()).isEqualTo(batch);
        assertThat(session.experiment().status()).isEqualTo(RunStatus.RUNNING);
    }

    @Test
    void auditorModeIsAModeSwitchReportedAndAudited() throws Exception {
        assertThat(change(HyperParameters.newBuilder().setAuditorMode(true)).getSuccess()).isTrue();
        assertThat(value(call(TrainerCommand.newBuilder().setGetHyperParameters(true).build())
                .getHyperParametersDescsList(), "auditor_mode")).isEqualTo(1f);
        assertThat(change(HyperParameters.newBuilder().setAuditorMode(false)).getSuccess()).isTrue();
        assertThat(session.experiment().hyperParameters().auditorMode()).isFalse();
        assertThat(Files.readString(session.experiment().audit().file())).contains("\"action\":\"mode_switch\"");
    }

    @Test
    void aStepBudgetPausesTrainingAfterThatManySteps() throws Exception {
        CommandResponse reply = change(HyperParameters.newBuilder().setTrainingStepsToDo(6));
        long from = Long.parseLong(reply.getMessage().replaceAll("Applied at step (\\d+):.*", "$1"));
        assertThat(reply.getMessage()).endsWith("pausing after 6 more steps");
        LiveRun.await("paused by the budget", () -> session.experiment().status() == RunStatus.PAUSED, 30);
        assertThat(session.experiment().step()).isEqualTo(from + 6);
    }

    @Test
    void frequenciesAndEvaluationBatchSizesAreStoredAndReported() {
        CommandResponse reply = change(HyperParameters.newBuilder().setFullEvalFrequency(100).setCheckpontFrequency(250)
                .setValBatchSize(256).setTestBatchSize(128));
        assertThat(reply.getSuccess()).isTrue();
        List<HyperParameterDesc> descs = call(TrainerCommand.newBuilder().setGetHyperParameters(true).build())
                .getHyperParametersDescsList();
        assertThat(value(descs, "eval_frequency")).isEqualTo(100f);
        assertThat(value(descs, "checkpoint_frequency")).isEqualTo(250f);
        assertThat(value(descs, "val_batch_size")).isEqualTo(256f);
        assertThat(value(descs, "test_batch_size")).isEqualTo(128f);
        assertThat(change(HyperParameters.newBuilder().setCheckpontFrequency(-1)).getMessage())
                .contains("checkpoint frequency must not be negative");
    }

    @Test
    void evaluationModeOnPausesTrainingAndIsReported() {
        CommandResponse reply = change(HyperParameters.newBuilder().setEvaluationMode(true));
        assertThat(reply.getMessage()).contains("evaluation_mode false → true").endsWith("paused");
        assertThat(session.experiment().status()).isEqualTo(RunStatus.PAUSED);
        assertThat(value(call(TrainerCommand.newBuilder().setGetHyperParameters(true).build())
                .getHyperParametersDescsList(), "evaluation_mode")).isEqualTo(1f);
        change(HyperParameters.newBuilder().setEvaluationMode(false));
    }

    @Test
    void theAuditLogIsReadableOverTheApiWithEveryChange() {
        change(HyperParameters.newBuilder().setLearningRate(3e-4f));
        var log = io.trainscope.proto.v1.MetricsServiceGrpc.newBlockingStub(channel)
                .withDeadlineAfter(10, TimeUnit.SECONDS)
                .getAuditLog(io.trainscope.proto.v1.AuditLogRequest.newBuilder().setLimit(3).build());
        assertThat(log.getEntriesList()).hasSizeLessThanOrEqualTo(3).last().satisfies(e -> {
            assertThat(e.getAction()).isEqualTo("hp_change");
            assertThat(e.getParametersMap()).containsEntry("learning_rate", "3.0E-4");
            assertThat(e.getCaller()).startsWith("anonymous@");
            assertThat(e.getResult()).startsWith("Applied at step ");
        });
    }

    @Test
    void theModelsLayersAreListedWithNeuronCountsKernelAndStride() {
        CommandResponse all = call(TrainerCommand.newBuilder().setGetInteractiveLayers(true).build());
        assertThat(all.getSuccess()).isTrue();
        assertThat(all.getLayerRepresentationsList()).extracting(l -> l.getLayerType())
                .containsExactly("Conv2d", "Conv2d", "Linear", "Linear");
        var firstConv = all.getLayerRepresentations(0);
        assertThat(firstConv.getNeuronsCount()).isEqualTo(16);
        assertThat(firstConv.getIncomingNeuronsCount()).isEqualTo(1);
        assertThat(firstConv.getKernelSize()).isEqualTo(3);
        assertThat(firstConv.getStride()).isEqualTo(1);
        var last = all.getLayerRepresentations(3);
        assertThat(last.getNeuronsCount()).isEqualTo(10);
        assertThat(last.getIncomingNeuronsCount()).isEqualTo(128);
        assertThat(last.hasKernelSize()).isFalse();

        CommandResponse single = call(TrainerCommand.newBuilder().setGetInteractiveLayers(true)
                .setGetSingleLayerInfoId(last.getLayerId()).build());
        assertThat(single.getLayerRepresentationsList()).singleElement()
                .satisfies(l -> assertThat(l.getLayerId()).isEqualTo(last.getLayerId()));
        CommandResponse zero = call(TrainerCommand.newBuilder().setGetInteractiveLayers(true).setGetSingleLayerInfoId(0)
                .build());
        assertThat(zero.getLayerRepresentationsList()).singleElement()
                .satisfies(l -> assertThat(l.getLayerType()).isEqualTo("Conv2d")); // 0 is sent: explicit presence
        CommandResponse missing = call(TrainerCommand.newBuilder().setGetInteractiveLayers(true)
                .setGetSingleLayerInfoId(5).build());
        assertThat(missing.getSuccess()).isFalse();
        assertThat(missing.getMessage()).startsWith("No layer with id 5; the layer ids are [0, 3, 7, 9]");
    }

    @Test
    void methodsNotBuiltYetAnswerUnimplemented() {
        assertThatThrownBy(() -> stub.withDeadlineAfter(5, TimeUnit.SECONDS)
                .exportAnnotations(ExportAnnotationsRequest.newBuilder().setOrigin("train").build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNIMPLEMENTED));
    }

    private static CommandResponse change(HyperParameters.Builder hp) {
        return call(TrainerCommand.newBuilder()
                .setHyperParameterChange(HyperParameterCommand.newBuilder().setHyperParameters(hp)).build());
    }

    private static CommandResponse call(TrainerCommand command) {
        return stub.withDeadlineAfter(30, TimeUnit.SECONDS).experimentCommand(command);
    }

    private static float value(List<HyperParameterDesc> descs, String name) {
        return descs.stream().filter(d -> d.getName().equals(name)).findFirst().orElseThrow().getNumericalValue();
    }
}
