package io.trainscope.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.trainscope.core.model.LayerWeights;
import io.trainscope.core.model.ModelLayers;
import io.trainscope.djl.data.GeneratedShapes;
import io.trainscope.proto.weightslab.ActivationMap;
import io.trainscope.proto.weightslab.ActivationRequest;
import io.trainscope.proto.weightslab.ActivationResponse;
import io.trainscope.proto.weightslab.NeuronId;
import io.trainscope.proto.weightslab.WeightsRequest;
import io.trainscope.proto.weightslab.WeightsResponse;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * GetWeights and GetActivations over real gRPC on a real training of the small CNN, whose layer
 * ids are 0 (Conv 16), 3 (Conv 32), 7 (Linear 128) and 9 (Linear, one neuron per class).
 */
class ModelInspectionGrpcTest {

    private static final int CLASSES = GeneratedShapes.CLASS_NAMES.size();

    private static PausedTraining training;

    @BeforeAll
    static void start() throws Exception {
        training = PausedTraining.afterSteps(2_000, 3);
    }

    @AfterAll
    static void stop() throws Exception {
        if (training != null) {
            training.close();
            training = null; // the class stays loaded after its tests: let the closed session go
        }
    }

    private static WeightsResponse weights(int layer, int neuron) {
        return training.stub().getWeights(WeightsRequest.newBuilder()
                .setNeuronId(NeuronId.newBuilder().setLayerId(layer).setNeuronId(neuron)).build());
    }

    private static ActivationResponse activations(int layer, String origin, String sampleId) {
        return training.stub().getActivations(ActivationRequest.newBuilder()
                .setLayerId(layer).setOrigin(origin).setSampleId(sampleId).build());
    }

    /** What the training thread itself reads as layer {@code layer}'s weights. */
    private static LayerWeights live(int layer) throws Exception {
        ModelLayers model = training.experiment().model().orElseThrow();
        return training.experiment().gate().submit(step -> model.weights(layer)).get(60, TimeUnit.SECONDS);
    }

    private static float[] floats(List<Float> values) {
        float[] out = new float[values.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = values.get(i);
        }
        return out;
    }

    @Test
    void linearNeuronWeightsAreTheLiveParameterRowAndFollowTraining() throws Exception {
        WeightsResponse first = weights(9, 3);
        assertThat(first.getSuccess()).as(first.getErrorMessage()).isTrue();
        assertThat(first.getErrorMessage()).isEmpty();
        assertThat(first.getNeuronId().getLayerId()).isEqualTo(9);
        assertThat(first.getNeuronId().getNeuronId()).isEqualTo(3);
        assertThat(first.getLayerType()).isEqualTo("Linear");
        assertThat(first.getIncoming()).isEqualTo(128);
        assertThat(first.getOutgoing()).isEqualTo(CLASSES);
        assertThat(first.hasKernelSize()).isFalse();
        assertThat(floats(first.getWeightsList())).containsExactly(live(9).neuron(3));
        assertThat(weights(9, 3).getWeightsList()).as("paused: nothing changes").isEqualTo(first.getWeightsList());

        training.runSteps(2);

        WeightsResponse later = weights(9, 3);
        assertThat(later.getWeightsList()).isNotEqualTo(first.getWeightsList());
        assertThat(floats(later.getWeightsList())).containsExactly(live(9).neuron(3));
    }

    @Test
    void aNegativeNeuronIdReadsTheWholeLayer() throws Exception {
        WeightsResponse conv = weights(3, -1);
        assertThat(conv.getSuccess()).as(conv.getErrorMessage()).isTrue();
        assertThat(conv.getLayerType()).isEqualTo("Conv2d");
        assertThat(conv.getOutgoing()).isEqualTo(32);
        assertThat(conv.getIncoming()).isEqualTo(16);
        assertThat(conv.getKernelSize()).isEqualTo(3);
        assertThat(conv.getWeightsCount()).isEqualTo(32 * 16 * 3 * 3);
        assertThat(floats(conv.getWeightsList())).containsExactly(live(3).values());

        WeightsResponse linear = weights(7, -5);
        assertThat(linear.getWeightsCount()).isEqualTo(linear.getOutgoing() * linear.getIncoming()).isEqualTo(128 * 32 * 7 * 7);
        WeightsResponse filter = weights(0, 15);
        assertThat(filter.getWeightsCount()).isEqualTo(1 * 3 * 3);
    }

    @Test
    void badLayersAndNeuronsAreRefusedWithWhatIsValid() {
        WeightsResponse layer = weights(1, 0);
        assertThat(layer.getSuccess()).isFalse();
        assertThat(layer.getErrorMessage()).contains("id 1").contains("[0, 3, 7, 9]");
        assertThat(layer.getNeuronId().getLayerId()).isEqualTo(1);
        WeightsResponse neuron = weights(0, 16);
        assertThat(neuron.getSuccess()).isFalse();
        assertThat(neuron.getErrorMessage()).contains("0..15").contains("neuron 16");
    }

    @Test
    void firstConvolutionGivesOneTwentyEightSquareMapPerFilter() {
        ActivationResponse conv = activations(0, "train", "5");
        assertThat(conv.getLayerType()).isEqualTo("Conv2d");
        assertThat(conv.getNeuronsCount()).isEqualTo(16);
        assertThat(conv.getActivationsList()).hasSize(16).allSatisfy(map -> {
            assertThat(map.getH()).isEqualTo(28);
            assertThat(map.getW()).isEqualTo(28);
            assertThat(map.getValuesCount()).isEqualTo(28 * 28);
        });
        assertThat(conv.getActivationsList()).extracting(ActivationMap::getNeuronId)
                .containsExactlyElementsOf(java.util.stream.IntStream.range(0, 16).boxed().toList());
        assertThat(conv.getActivations(0).getValuesList()).anySatisfy(v -> assertThat(v).isNotZero());
    }

    @Test
    void lastLayerGivesOneValuePerClass() {
        ActivationResponse logits = activations(9, "test", "0");
        assertThat(logits.getLayerType()).isEqualTo("Linear");
        assertThat(logits.getNeuronsCount()).isEqualTo(CLASSES);
        assertThat(logits.getActivationsList()).hasSize(CLASSES).allSatisfy(map -> {
            assertThat(map.getH()).isEqualTo(1);
            assertThat(map.getW()).isEqualTo(1);
            assertThat(map.getValuesCount()).isEqualTo(1);
        });
        ActivationResponse second = activations(3, "test", "0");
        assertThat(second.getNeuronsCount()).isEqualTo(32);
        assertThat(second.getActivations(31).getH()).isEqualTo(14);
    }

    @Test
    void badActivationRequestsAreRefusedWithWhatExists() {
        assertThatThrownBy(() -> activations(0, "validation", "1")).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
            assertThat(e.getStatus().getDescription()).contains("'validation'").contains("[test, train]");
        });
        assertThatThrownBy(() -> activations(0, "train", "2000")).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
            assertThat(e.getStatus().getDescription()).contains("0..1999");
        });
        assertThatThrownBy(() -> activations(0, "train", "cat")).isInstanceOfSatisfying(StatusRuntimeException.class,
                e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT));
        assertThatThrownBy(() -> activations(4, "train", "1")).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
            assertThat(e.getStatus().getDescription()).contains("[0, 3, 7, 9]");
        });
    }
}
