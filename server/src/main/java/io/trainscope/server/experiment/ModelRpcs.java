package io.trainscope.server.experiment;

import static java.util.Objects.requireNonNull;

import io.grpc.Status;
import io.trainscope.core.Experiment;
import io.trainscope.core.control.StepCommand;
import io.trainscope.core.model.LayerActivations;
import io.trainscope.core.model.LayerInfo;
import io.trainscope.core.model.LayerWeights;
import io.trainscope.core.model.ModelInput;
import io.trainscope.core.model.ModelLayers;
import io.trainscope.core.samples.SampleKey;
import io.trainscope.proto.weightslab.ActivationMap;
import io.trainscope.proto.weightslab.ActivationRequest;
import io.trainscope.proto.weightslab.ActivationResponse;
import io.trainscope.proto.weightslab.NeuronId;
import io.trainscope.proto.weightslab.WeightsRequest;
import io.trainscope.proto.weightslab.WeightsResponse;
import io.trainscope.server.data.SampleImages;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;

/**
 * GetWeights and GetActivations: the live model is read on the training thread between two
 * steps (also while paused). A bad request is answered with what is valid: {@code success=false}
 * and a message for weights; INVALID_ARGUMENT, NOT_FOUND or FAILED_PRECONDITION for activations,
 * whose reply has no error field; FAILED_PRECONDITION too once the training thread has shut down.
 * Blocks on the step boundary, so callers run it off the event loops.
 */
final class ModelRpcs {

    private static final String NOT_BUILT = "The model is not built yet: ask again once training has started.";

    private final Experiment experiment;
    private final SampleImages images;
    private final BoundaryWait boundary;

    ModelRpcs(Experiment experiment, SampleImages images) {
        this.experiment = requireNonNull(experiment, "experiment");
        this.images = requireNonNull(images, "images");
        this.boundary = new BoundaryWait(experiment);
    }

    /** One neuron's incoming weights, or the whole layer's for a negative neuron index (WeightsLab's convention). */
    WeightsResponse weights(WeightsRequest request) {
        NeuronId id = request.getNeuronId();
        WeightsResponse.Builder reply = WeightsResponse.newBuilder().setNeuronId(id).setSuccess(false);
        Optional<ModelLayers> model = experiment.model();
        if (model.isEmpty()) {
            return reply.setErrorMessage(NOT_BUILT).build();
        }
        LayerWeights weights;
        try {
            weights = onTrainingThread(step -> model.get().weights(id.getLayerId()));
        } catch (Refused e) {
            return reply.setErrorMessage(e.getMessage()).build();
        }
        LayerInfo layer = weights.layer();
        if (id.getNeuronId() >= layer.neurons()) {
            return reply.setErrorMessage("Layer " + layer.id() + " (" + layer.type() + ") has neurons 0.." + (layer.neurons() - 1)
                    + "; neuron " + id.getNeuronId() + " does not exist (a negative neuron id asks for the whole layer).")
                    .build();
        }
        reply.setSuccess(true).setErrorMessage("").setLayerName(layer.name()).setLayerType(layer.type())
                .setIncoming(layer.incomingNeurons()).setOutgoing(layer.neurons());
        layer.kernelSize().ifPresent(reply::setKernelSize);
        float[] values = id.getNeuronId() < 0 ? weights.values() : weights.neuron(id.getNeuronId());
        for (float v : values) {
            reply.addWeights(v);
        }
        return reply.build();
    }

    /** Every channel of one layer's output for one sample, the last layer included. */
    ActivationResponse activations(ActivationRequest request) {
        SampleKey key = new SampleKey(request.getOrigin(), sampleId(request.getSampleId()));
        Map<String, Integer> sizes = images.sizes();
        Integer size = sizes.get(key.origin());
        if (size == null) {
            throw Status.NOT_FOUND.withDescription("Unknown origin '" + key.origin() + "': the splits with images are "
                    + sizes.keySet()).asRuntimeException();
        }
        ModelInput input = images.input(key).orElseThrow(() -> Status.NOT_FOUND.withDescription("No sample "
                + key.sampleId() + " in '" + key.origin() + "', whose sample ids are 0.." + (size - 1)).asRuntimeException());
        ModelLayers model = experiment.model().orElseThrow(() -> Status.FAILED_PRECONDITION.withDescription(NOT_BUILT)
                .asRuntimeException());
        LayerActivations output;
        try {
            output = onTrainingThread(step -> model.activations(request.getLayerId(), input));
        } catch (Refused e) {
            throw e.status.withDescription(e.getMessage()).asRuntimeException();
        }
        int channels = output.channels();
        int h = output.height();
        int w = output.width();
        ActivationResponse.Builder reply = ActivationResponse.newBuilder().setLayerType(output.layer().type())
                .setNeuronsCount(channels);
        float[] values = output.values();
        for (int c = 0; c < channels; c++) {
            ActivationMap.Builder map = ActivationMap.newBuilder().setNeuronId(c).setH(h).setW(w);
            for (int i = c * h * w; i < (c + 1) * h * w; i++) {
                map.addValues(values[i]);
            }
            reply.addActivations(map);
        }
        return reply.build();
    }

    private static long sampleId(String text) {
        try {
            return Long.parseLong(text.strip());
        } catch (NumberFormatException e) {
            throw Status.INVALID_ARGUMENT.withDescription("sample_id must be a sample's number, not '" + text + "'")
                    .asRuntimeException();
        }
    }

    /** Runs {@code read} on the training thread; what it refuses, or why it did not run, comes back as {@link Refused}. */
    private <T> T onTrainingThread(StepCommand<T> read) {
        try {
            return boundary.await(experiment.gate().submit(read));
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IllegalArgumentException refusal) {
                throw new Refused(Status.INVALID_ARGUMENT, refusal.getMessage());
            }
            throw new Refused(Status.INTERNAL, "Could not read the model: " + e.getCause());
        } catch (BoundaryWait.NotRun e) {
            throw new Refused(e.status(), "Could not read the model: " + e.getMessage());
        }
    }

    /** Why the model was not read, and the status that says so where the reply has no error field. */
    private static final class Refused extends RuntimeException {
        private final transient Status status;

        Refused(Status status, String message) {
            super(message, null, false, false);
            this.status = status;
        }
    }
}
