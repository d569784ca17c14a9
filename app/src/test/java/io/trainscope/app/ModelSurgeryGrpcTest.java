package io.trainscope.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.trainscope.core.audit.AuditEntry;
import io.trainscope.djl.surgery.ModelSurgery;
import io.trainscope.proto.weightslab.CommandResponse;
import io.trainscope.proto.weightslab.ExperimentServiceGrpc;
import io.trainscope.proto.weightslab.HyperParameterCommand;
import io.trainscope.proto.weightslab.HyperParameters;
import io.trainscope.proto.weightslab.LayerRepresentation;
import io.trainscope.proto.weightslab.NeuronId;
import io.trainscope.proto.weightslab.NeuronStatistics;
import io.trainscope.proto.weightslab.TrainerCommand;
import io.trainscope.proto.weightslab.WeightOperation;
import io.trainscope.proto.weightslab.WeightOperationType;
import io.trainscope.proto.weightslab.WeightsOperationRequest;
import io.trainscope.proto.weightslab.WeightsOperationResponse;
import io.trainscope.proto.weightslab.WeightsRequest;
import io.trainscope.proto.weightslab.WeightsResponse;
import io.trainscope.server.TrainingSession;
import io.trainscope.server.auth.AccessTokens;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * ManipulateWeights and per-neuron statistics over real gRPC on a real training of the small CNN
 * (layer ids 0 Conv 16, 3 Conv 32, 7 Linear 128, 9 Linear per class). The tests share one
 * training, so each reads the sizes it needs instead of assuming them.
 */
class ModelSurgeryGrpcTest {

    private static TrainingSession session;
    private static ManagedChannel channel;
    private static ExperimentServiceGrpc.ExperimentServiceBlockingStub stub;

    @BeforeAll
    static void start() throws Exception {
        session = LiveRun.shapes(AccessTokens.none(), true, 2_000);
        channel = NettyChannelBuilder.forAddress("127.0.0.1", session.server().port()).usePlaintext().build();
        stub = ExperimentServiceGrpc.newBlockingStub(channel);
        LiveRun.await("model built", () -> session.experiment().model().isPresent(), 60);
        runSteps(2);
    }

    @AfterAll
    static void stop() throws Exception {
        channel.shutdownNow();
        session.close();
        session = null; // the class stays loaded after its tests: let the closed session go
    }

    private static void runSteps(int steps) throws InterruptedException {
        long target = session.experiment().step() + steps;
        CommandResponse run = stub.withDeadlineAfter(60, TimeUnit.SECONDS).experimentCommand(TrainerCommand.newBuilder()
                .setHyperParameterChange(HyperParameterCommand.newBuilder()
                        .setHyperParameters(HyperParameters.newBuilder().setNbSteps(steps))).build());
        assertThat(run.getSuccess()).as(run.getMessage()).isTrue();
        LiveRun.await(target + " steps", () -> session.experiment().step() == target
                && session.experiment().gate().isPaused(), 120);
    }

    private static WeightsOperationResponse operate(WeightOperation.Builder operation) {
        return stub.withDeadlineAfter(60, TimeUnit.SECONDS).manipulateWeights(WeightsOperationRequest.newBuilder()
                .setWeightOperation(operation).build());
    }

    private static WeightOperation.Builder op(WeightOperationType type, int layer, int... neurons) {
        WeightOperation.Builder b = WeightOperation.newBuilder().setOpType(type).setLayerId(layer);
        for (int n : neurons) {
            b.addNeuronIds(NeuronId.newBuilder().setLayerId(layer).setNeuronId(n));
        }
        return b;
    }

    private static LayerRepresentation layer(int id) {
        CommandResponse reply = stub.withDeadlineAfter(60, TimeUnit.SECONDS).experimentCommand(TrainerCommand.newBuilder()
                .setGetInteractiveLayers(true).build());
        assertThat(reply.getSuccess()).as(reply.getMessage()).isTrue();
        return reply.getLayerRepresentationsList().stream().filter(l -> l.getLayerId() == id).findFirst().orElseThrow();
    }

    private static WeightsResponse weights(int layer, int neuron) {
        return stub.withDeadlineAfter(60, TimeUnit.SECONDS).getWeights(WeightsRequest.newBuilder()
                .setNeuronId(NeuronId.newBuilder().setLayerId(layer).setNeuronId(neuron)).build());
    }

    @Test
    void freezeStopsANeuronLearningAndTheLayerSaysItsLearningRateIsZeroUntilFrozenAgain() throws Exception {
        WeightsOperationResponse frozen = operate(op(WeightOperationType.FREEZE, 7, 3));
        assertThat(frozen.getSuccess()).as(frozen.getMessage()).isTrue();
        assertThat(frozen.getMessage()).contains("neuron 3 of layer 7").contains("step " + session.experiment().step());
        NeuronStatistics stats = layer(7).getNeuronsStatistics(3);
        assertThat(stats.getNeuronId().getNeuronId()).isEqualTo(3);
        assertThat(stats.getLearningRate()).isZero();
        assertThat(layer(7).getNeuronsStatistics(4).getLearningRate()).isEqualTo(1f);
        List<Float> row = weights(7, 3).getWeightsList();
        List<Float> other = weights(7, 4).getWeightsList();

        runSteps(4);

        assertThat(weights(7, 3).getWeightsList()).isEqualTo(row);
        assertThat(weights(7, 4).getWeightsList()).isNotEqualTo(other);
        assertThat(session.experiment().audit().recent()).anySatisfy(entry -> {
            assertThat(entry.action()).isEqualTo("weights_operation");
            assertThat(entry.parameters()).containsEntry("op_type", "FREEZE").containsEntry("neuron_ids", "[7:3]");
            assertThat(entry.caller()).contains("127.0.0.1");
            assertThat(entry.result()).contains("took effect at step");
        });
        assertThat(operate(op(WeightOperationType.FREEZE, 7, 3)).getSuccess()).isTrue();
        assertThat(layer(7).getNeuronsStatistics(3).getLearningRate()).isEqualTo(1f);
    }

    @Test
    void removingAndAddingNeuronsChangesTheLayerAndTheNextOneAndTrainingGoesOn() throws Exception {
        int filters = layer(3).getNeuronsCount();
        WeightsOperationResponse removed = operate(op(WeightOperationType.REMOVE_NEURONS, 3, 0, 1));
        assertThat(removed.getSuccess()).as(removed.getMessage()).isTrue();
        assertThat(layer(3).getNeuronsCount()).isEqualTo(filters - 2);
        assertThat(layer(7).getIncomingNeuronsCount()).isEqualTo((filters - 2) * 7 * 7);
        runSteps(3);
        WeightsOperationResponse added = operate(WeightOperation.newBuilder().setOpType(WeightOperationType.ADD_NEURONS)
                .setLayerId(3).setNeuronsToAdd(5));
        assertThat(added.getSuccess()).as(added.getMessage()).isTrue();
        assertThat(added.getMessage()).startsWith("Added 5 neurons to layer 3");
        assertThat(layer(3).getNeuronsCount()).isEqualTo(filters + 3);
        assertThat(layer(3).getNeuronsStatisticsCount()).isEqualTo(filters + 3);
        assertThat(layer(7).getIncomingNeuronsCount()).isEqualTo((filters + 3) * 7 * 7);
        runSteps(3);
        assertThat(session.experiment().status().name()).isIn("PAUSED", "RUNNING");
        WeightsOperationResponse reset = operate(op(WeightOperationType.REINITIALIZE, 3, filters + 2));
        assertThat(reset.getSuccess()).as(reset.getMessage()).isTrue();
        assertThat(layer(3).getNeuronsStatistics(filters + 2).getNeuronAge()).isZero();
    }

    @Test
    void neuronStatisticsCountSamplesAndMeasureTriggerRates() throws Exception {
        runSteps(ModelSurgery.MEASURE_EVERY);
        LayerRepresentation linear = layer(9);
        assertThat(linear.getNeuronsStatisticsList()).hasSize(linear.getNeuronsCount()).allSatisfy(n -> {
            assertThat(n.getNeuronAge()).isGreaterThanOrEqualTo(ModelSurgery.MEASURE_EVERY * LiveRun.BATCH_SIZE);
            assertThat(n.hasTrainTriggerRate()).isTrue();
            assertThat(n.getTrainTriggerRate()).isBetween(0f, 1f);
            assertThat(n.hasEvalTriggerRate()).isFalse();
        });
    }

    @Test
    void everyRefusalSaysWhyAndChangesNothing() {
        int conv = layer(0).getNeuronsCount();
        List<Float> before = weights(0, -1).getWeightsList();
        List<Float> linear = weights(7, -1).getWeightsList();
        int audited = session.experiment().audit().recent().size();
        int[] all = java.util.stream.IntStream.range(0, conv).toArray();
        List<WeightOperation.Builder> refused = List.of(
                WeightOperation.newBuilder().setLayerId(7),
                op(WeightOperationType.ZEROFY, 7, 1),
                op(WeightOperationType.FREEZE, 1, 0),
                op(WeightOperationType.FREEZE, 7, 100_000),
                op(WeightOperationType.REMOVE_NEURONS, 0, all),
                op(WeightOperationType.REMOVE_NEURONS, 0),
                op(WeightOperationType.REMOVE_NEURONS, 9, 0),
                WeightOperation.newBuilder().setOpType(WeightOperationType.ADD_NEURONS).setLayerId(9).setNeuronsToAdd(1),
                WeightOperation.newBuilder().setOpType(WeightOperationType.ADD_NEURONS).setLayerId(0),
                WeightOperation.newBuilder().setOpType(WeightOperationType.ADD_NEURONS).setLayerId(0).setNeuronsToAdd(1_000_000),
                op(WeightOperationType.FREEZE, 0, 1).addNeuronIds(NeuronId.newBuilder().setLayerId(7).setNeuronId(1)));
        List<String> messages = new ArrayList<>();
        for (WeightOperation.Builder request : refused) {
            WeightsOperationResponse reply = operate(request);
            assertThat(reply.getSuccess()).as(request.toString()).isFalse();
            messages.add(reply.getMessage());
        }
        assertThat(messages).satisfiesExactly(
                m -> assertThat(m).contains("op_type"),
                m -> assertThat(m).contains("ZEROFY is not supported"),
                m -> assertThat(m).contains("No layer with id 1").contains("[0, 3, 7, 9]"),
                m -> assertThat(m).contains("neuron 100000 does not exist"),
                m -> assertThat(m).contains("keep at least one"),
                m -> assertThat(m).contains("Name the neurons to remove"),
                m -> assertThat(m).contains("output layer"),
                m -> assertThat(m).contains("output layer"),
                m -> assertThat(m).contains("neurons_to_add must be 1..512, not 0"),
                m -> assertThat(m).contains("not 1000000"),
                m -> assertThat(m).contains("One layer per request"));
        assertThat(weights(0, -1).getWeightsList()).isEqualTo(before);
        assertThat(weights(7, -1).getWeightsList()).isEqualTo(linear);
        assertThat(layer(0).getNeuronsCount()).isEqualTo(conv);
        assertThat(session.experiment().audit().recent().subList(audited, audited + refused.size()))
                .extracting(AuditEntry::result).allSatisfy(result -> assertThat(result).startsWith("refused: "));
    }
}
