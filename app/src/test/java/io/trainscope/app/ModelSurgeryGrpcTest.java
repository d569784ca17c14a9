package io.trainscope.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.trainscope.core.audit.AuditEntry;
import io.trainscope.djl.surgery.ModelSurgery;
import io.trainscope.proto.weightslab.CommandResponse;
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
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * ManipulateWeights and per-neuron statistics over real gRPC on a real training of the small CNN
 * (layer ids 0 Conv 16, 3 Conv 32, 7 Linear 128, 9 Linear per class). The tests share one
 * training, so each reads the sizes it needs instead of assuming them.
 */
class ModelSurgeryGrpcTest {

    private static PausedTraining training;

    @BeforeAll
    static void start() throws Exception {
        training = PausedTraining.afterSteps(2_000, 2);
    }

    @AfterAll
    static void stop() throws Exception {
        if (training != null) {
            training.close();
            training = null; // the class stays loaded after its tests: let the closed session go
        }
    }

    private static WeightsOperationResponse operate(WeightOperation.Builder operation) {
        return training.stub().manipulateWeights(WeightsOperationRequest.newBuilder()
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
        CommandResponse reply = training.stub().experimentCommand(TrainerCommand.newBuilder()
                .setGetInteractiveLayers(true).build());
        assertThat(reply.getSuccess()).as(reply.getMessage()).isTrue();
        return reply.getLayerRepresentationsList().stream().filter(l -> l.getLayerId() == id).findFirst().orElseThrow();
    }

    private static WeightsResponse weights(int layer, int neuron) {
        return training.stub().getWeights(WeightsRequest.newBuilder()
                .setNeuronId(NeuronId.newBuilder().setLayerId(layer).setNeuronId(neuron)).build());
    }

    @Test
    void freezeStopsANeuronLearningAndTheLayerSaysItsLearningRateIsZeroUntilFrozenAgain() throws Exception {
        WeightsOperationResponse frozen = operate(op(WeightOperationType.FREEZE, 7, 3));
        assertThat(frozen.getSuccess()).as(frozen.getMessage()).isTrue();
        assertThat(frozen.getMessage()).contains("neuron 3 of layer 7").contains("step " + training.experiment().step());
        NeuronStatistics stats = layer(7).getNeuronsStatistics(3);
        assertThat(stats.getNeuronId().getNeuronId()).isEqualTo(3);
        assertThat(stats.getLearningRate()).isZero();
        assertThat(layer(7).getNeuronsStatistics(4).getLearningRate()).isEqualTo(1f);
        List<Float> row = weights(7, 3).getWeightsList();
        List<Float> other = weights(7, 4).getWeightsList();

        training.runSteps(4);

        assertThat(weights(7, 3).getWeightsList()).isEqualTo(row);
        assertThat(weights(7, 4).getWeightsList()).isNotEqualTo(other);
        assertThat(training.experiment().audit().recent()).anySatisfy(entry -> {
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
        training.runSteps(3);
        WeightsOperationResponse added = operate(WeightOperation.newBuilder().setOpType(WeightOperationType.ADD_NEURONS)
                .setLayerId(3).setNeuronsToAdd(5));
        assertThat(added.getSuccess()).as(added.getMessage()).isTrue();
        assertThat(added.getMessage()).startsWith("Added 5 neurons to layer 3");
        assertThat(layer(3).getNeuronsCount()).isEqualTo(filters + 3);
        assertThat(layer(3).getNeuronsStatisticsCount()).isEqualTo(filters + 3);
        assertThat(layer(7).getIncomingNeuronsCount()).isEqualTo((filters + 3) * 7 * 7);
        training.runSteps(3);
        assertThat(training.experiment().status().name()).isIn("PAUSED", "RUNNING");
        WeightsOperationResponse reset = operate(op(WeightOperationType.REINITIALIZE, 3, filters + 2));
        assertThat(reset.getSuccess()).as(reset.getMessage()).isTrue();
        assertThat(layer(3).getNeuronsStatistics(filters + 2).getNeuronAge()).isZero();
    }

    @Test
    void neuronStatisticsCountSamplesAndMeasureTriggerRates() throws Exception {
        training.runSteps(ModelSurgery.MEASURE_EVERY);
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
        int audited = training.experiment().audit().recent().size();
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
        assertThat(training.experiment().audit().recent().subList(audited, audited + refused.size()))
                .extracting(AuditEntry::result).allSatisfy(result -> assertThat(result).startsWith("refused: "));
    }

    @Test
    void moreNeuronIdsThanTheLayerHasNeuronsAreRefusedAndOnlyTheirCountAndFirstFewAreAudited() {
        int neurons = layer(7).getNeuronsCount();
        int[] repeated = new int[neurons + 1]; // neuron 0, over and over: valid ids, but more entries than neurons

        WeightsOperationResponse reply = operate(op(WeightOperationType.FREEZE, 7, repeated));

        assertThat(reply.getSuccess()).isFalse();
        assertThat(reply.getMessage()).isEqualTo("neuron_ids has " + (neurons + 1) + " entries, more than the " + neurons
                + " neurons of layer 7 (Linear); name each neuron once");
        assertThat(layer(7).getNeuronsStatistics(0).getLearningRate()).as("neuron 0 is not frozen").isEqualTo(1f);
        AuditEntry audited = training.experiment().audit().recent().get(training.experiment().audit().recent().size() - 1);
        assertThat(audited.parameters()).containsEntry("neuron_ids_count", String.valueOf(neurons + 1))
                .containsEntry("neuron_ids", "[" + String.join(", ", java.util.Collections.nCopies(20, "7:0")) + ", …]");
        assertThat(audited.result()).isEqualTo("refused: " + reply.getMessage());
    }

    @Test
    void aRequestNamingMoreThanTheMostNeuronIdsIsRefusedBeforeTheModelIsAsked() {
        WeightsOperationResponse reply = operate(op(WeightOperationType.FREEZE, 7, new int[65_537]));

        assertThat(reply.getSuccess()).isFalse();
        assertThat(reply.getMessage()).isEqualTo("neuron_ids has 65537 entries; one request names at most 65536 neurons,"
                + " each once");
    }
}
