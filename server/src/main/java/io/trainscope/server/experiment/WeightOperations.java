package io.trainscope.server.experiment;

import static java.util.Objects.requireNonNull;

import io.trainscope.core.Experiment;
import io.trainscope.core.audit.AuditEntry;
import io.trainscope.core.model.ModelLayers;
import io.trainscope.core.model.NeuronOperation;
import io.trainscope.proto.weightslab.NeuronId;
import io.trainscope.proto.weightslab.WeightOperation;
import io.trainscope.proto.weightslab.WeightsOperationRequest;
import io.trainscope.proto.weightslab.WeightsOperationResponse;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;

/**
 * ManipulateWeights: FREEZE (a toggle, as in WeightsLab), REINITIALIZE, REMOVE_NEURONS and
 * ADD_NEURONS on one Linear or Conv layer, applied by the training thread at a step boundary
 * (also while paused). A refused request changes nothing and says why; every request is audited.
 * A call that ends before the boundary withdraws its operation ({@link BoundaryWait}). Blocks on the
 * step boundary, so callers run it off the event loops.
 */
final class WeightOperations {

    /** Refused before anything is built from them: no layer trained here has this many neurons. */
    static final int MAX_NEURON_IDS = 65_536;
    /** How many of a request's neuron ids the audit log keeps (with their count). */
    static final int AUDITED_NEURON_IDS = 20;

    private final Experiment experiment;
    private final BoundaryWait boundary;

    WeightOperations(Experiment experiment) {
        this.experiment = requireNonNull(experiment, "experiment");
        this.boundary = new BoundaryWait(experiment);
    }

    WeightsOperationResponse manipulate(WeightsOperationRequest request, String caller) {
        WeightOperation wire = request.getWeightOperation();
        int named = wire.getNeuronIdsCount();
        Outcome outcome = parse(wire).map(operation -> applyOrRefuse(operation, named), refusal -> new Outcome(false, refusal));
        Map<String, String> parameters = new LinkedHashMap<>();
        parameters.put("op_type", wire.hasOpType() ? wire.getOpType().name() : "unset");
        parameters.put("layer_id", wire.hasLayerId() ? String.valueOf(wire.getLayerId()) : "unset");
        // The audit log keeps its latest entries in memory and forces each to disk: a few ids say enough.
        String ids = wire.getNeuronIdsList().stream().limit(AUDITED_NEURON_IDS).map(n -> n.getLayerId() + ":" + n.getNeuronId())
                .collect(Collectors.joining(", ", "[", named > AUDITED_NEURON_IDS ? ", …]" : "]"));
        parameters.put("neuron_ids", ids);
        parameters.put("neuron_ids_count", String.valueOf(named));
        parameters.put("neurons_to_add", String.valueOf(wire.getNeuronsToAdd()));
        experiment.audit().record(new AuditEntry(Instant.now(), "weights_operation", parameters, caller,
                (outcome.success() ? "" : "refused: ") + outcome.message()));
        return WeightsOperationResponse.newBuilder().setSuccess(outcome.success()).setMessage(outcome.message()).build();
    }

    private record Outcome(boolean success, String message) {}

    /** The operation asked for, or why the request cannot be one. */
    private static Parsed parse(WeightOperation wire) {
        if (wire.getNeuronIdsCount() > MAX_NEURON_IDS) {
            return Parsed.refused("neuron_ids has " + wire.getNeuronIdsCount() + " entries; one request names at most "
                    + MAX_NEURON_IDS + " neurons, each once");
        }
        if (!wire.hasOpType() || wire.getOpType() == io.trainscope.proto.weightslab.WeightOperationType.UNRECOGNIZED) {
            return Parsed.refused("Set weight_operation.op_type to REINITIALIZE, FREEZE, REMOVE_NEURONS or ADD_NEURONS");
        }
        Set<Integer> layers = new TreeSet<>();
        wire.getNeuronIdsList().forEach(n -> layers.add(n.getLayerId()));
        if (wire.hasLayerId()) {
            layers.add(wire.getLayerId());
        }
        if (layers.size() > 1) {
            return Parsed.refused("One layer per request: layer_id and neuron_ids name layers " + layers);
        }
        if (layers.isEmpty()) {
            return Parsed.refused("Name the layer in layer_id (or in the neuron_ids entries)");
        }
        int layer = layers.iterator().next();
        List<Integer> neurons = wire.getNeuronIdsList().stream().map(NeuronId::getNeuronId).toList();
        return switch (wire.getOpType()) {
            case FREEZE -> Parsed.of(NeuronOperation.freeze(layer, neurons));
            case REINITIALIZE -> Parsed.of(NeuronOperation.reinitialize(layer, neurons));
            case REMOVE_NEURONS -> Parsed.of(NeuronOperation.remove(layer, neurons));
            case ADD_NEURONS -> neurons.isEmpty() ? Parsed.of(NeuronOperation.add(layer, wire.getNeuronsToAdd()))
                    : Parsed.refused("ADD_NEURONS appends neurons_to_add new neurons at the end of the layer; leave neuron_ids empty");
            default -> Parsed.refused("ZEROFY is not supported: use REINITIALIZE, FREEZE, REMOVE_NEURONS or ADD_NEURONS");
        };
    }

    private Outcome applyOrRefuse(NeuronOperation operation, int named) {
        Optional<ModelLayers> model = experiment.model();
        if (model.isEmpty()) {
            return new Outcome(false, "The model is not built yet: operate on it once training has started.");
        }
        try {
            long step = boundary.await(experiment.gate().submitAtBoundary(at -> {
                refuseRepeats(model.get(), operation.layerId(), named);
                model.get().apply(operation);
                return at;
            }));
            return new Outcome(true, operation.describe() + "; took effect at step " + step);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            return new Outcome(false, cause instanceof IllegalArgumentException ? cause.getMessage()
                    : "Could not operate on the model: " + cause);
        } catch (BoundaryWait.NotRun e) {
            return new Outcome(false, "Could not operate on the model: " + e.getMessage());
        }
    }

    /** On the training thread: more entries than the layer has neurons can only be repeats (or a mistake). */
    private static void refuseRepeats(ModelLayers model, int layerId, int named) {
        model.layers().stream().filter(l -> l.id() == layerId && named > l.neurons()).findFirst().ifPresent(l -> {
            throw new IllegalArgumentException("neuron_ids has " + named + " entries, more than the " + l.neurons()
                    + " neurons of layer " + layerId + " (" + l.type() + "); name each neuron once");
        });
    }

    /** An operation, or the reason there is none. */
    private record Parsed(Optional<NeuronOperation> operation, String refusal) {
        static Parsed of(NeuronOperation operation) {
            return new Parsed(Optional.of(operation), "");
        }

        static Parsed refused(String reason) {
            return new Parsed(Optional.empty(), reason);
        }

        <T> T map(java.util.function.Function<NeuronOperation, T> ifOperation, java.util.function.Function<String, T> ifRefused) {
            return operation.map(ifOperation).orElseGet(() -> ifRefused.apply(refusal));
        }
    }
}
