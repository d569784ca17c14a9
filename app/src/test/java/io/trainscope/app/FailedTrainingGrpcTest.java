package io.trainscope.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.trainscope.core.control.RunStatus;
import io.trainscope.djl.data.GeneratedShapes;
import io.trainscope.djl.data.ImageDataset;
import io.trainscope.djl.train.TrainingOptions;
import io.trainscope.proto.weightslab.ActivationRequest;
import io.trainscope.proto.weightslab.CommandResponse;
import io.trainscope.proto.weightslab.ExperimentServiceGrpc;
import io.trainscope.proto.weightslab.NeuronId;
import io.trainscope.proto.weightslab.TrainerCommand;
import io.trainscope.proto.weightslab.WeightOperation;
import io.trainscope.proto.weightslab.WeightOperationType;
import io.trainscope.proto.weightslab.WeightsOperationRequest;
import io.trainscope.proto.weightslab.WeightsOperationResponse;
import io.trainscope.proto.weightslab.WeightsRequest;
import io.trainscope.proto.weightslab.WeightsResponse;
import io.trainscope.server.ServerSettings;
import io.trainscope.server.TrainingSession;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Once training has failed, its training thread serves no more commands, though the model it
 * built is still known: every model RPC says the training has ended, why, and what to do
 * (FAILED_PRECONDITION, or success=false with that message). The training fails for real: its
 * labels name no class, so the first step's loss cannot be computed.
 */
class FailedTrainingGrpcTest {

    private static final String ENDED = "training has ended (FAILED: Training failed: ";
    private static final String WHAT_TO_DO = "restart the process on the run directory to inspect the model";

    private static TrainingSession session;
    private static ManagedChannel channel;

    @BeforeAll
    static void failTraining() throws Exception {
        ImageDataset shapes = GeneratedShapes.create("shapes/unlabelled", 256, 1);
        int[] noClass = new int[shapes.size()];
        Arrays.fill(noClass, shapes.classCount() + 5);
        ImageDataset train = new ImageDataset(shapes.name(), shapes.channels(), shapes.height(), shapes.width(), shapes.pixels(),
                noClass, shapes.classNames());
        session = TrainingSession.start(train, GeneratedShapes.create("shapes/test", 64, 2), TrainingOptions.epochs(1),
                LiveRun.BATCH_SIZE, 1e-3f, false, ServerSettings.loopback(), LiveRun.runDirectory());
        channel = NettyChannelBuilder.forAddress("127.0.0.1", session.server().port()).usePlaintext().build();
        LiveRun.await("training failed", () -> session.experiment().status() == RunStatus.FAILED, 60);
    }

    @AfterAll
    static void stop() throws Exception {
        if (channel != null) {
            channel.shutdownNow();
        }
        if (session != null) {
            session.close();
            session = null; // the class stays loaded after its tests: let the closed session go
        }
    }

    @Test
    void theModelWasBuiltBeforeTheFailure() {
        assertThat(session.experiment().model()).isPresent();
        assertThat(session.experiment().statusMessage()).startsWith("Training failed: ");
    }

    @Test
    void getActivationsIsAFailedPreconditionThatSaysTrainingEnded() {
        assertThatThrownBy(() -> stub().getActivations(ActivationRequest.newBuilder().setOrigin("train").setSampleId("0")
                .setLayerId(0).build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
                    assertThat(e.getStatus().getDescription()).startsWith("Could not read the model: " + ENDED)
                            .contains(WHAT_TO_DO);
                });
    }

    @Test
    void getWeightsSaysTrainingEnded() {
        WeightsResponse reply = stub().getWeights(WeightsRequest.newBuilder()
                .setNeuronId(NeuronId.newBuilder().setLayerId(7).setNeuronId(0)).build());

        assertThat(reply.getSuccess()).isFalse();
        assertThat(reply.getErrorMessage()).startsWith("Could not read the model: " + ENDED).contains(WHAT_TO_DO);
    }

    @Test
    void manipulateWeightsSaysTrainingEndedAndIsAuditedSo() {
        WeightsOperationResponse reply = stub().manipulateWeights(WeightsOperationRequest.newBuilder().setWeightOperation(
                WeightOperation.newBuilder().setOpType(WeightOperationType.FREEZE).setLayerId(7)).build());

        assertThat(reply.getSuccess()).isFalse();
        assertThat(reply.getMessage()).startsWith("Could not operate on the model: " + ENDED).contains(WHAT_TO_DO);
        assertThat(session.experiment().audit().recent()).last()
                .satisfies(entry -> assertThat(entry.result()).isEqualTo("refused: " + reply.getMessage()));
    }

    @Test
    void theLayerListSaysTrainingEnded() {
        CommandResponse reply = stub().experimentCommand(TrainerCommand.newBuilder().setGetInteractiveLayers(true).build());

        assertThat(reply.getSuccess()).isFalse();
        assertThat(reply.getMessage()).startsWith("Could not read the model's layers: " + ENDED).contains(WHAT_TO_DO);
    }

    private static ExperimentServiceGrpc.ExperimentServiceBlockingStub stub() {
        return ExperimentServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
    }
}
