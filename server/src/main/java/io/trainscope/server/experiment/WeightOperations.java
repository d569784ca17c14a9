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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * ManipulateWeights: FREEZE (a toggle, as in WeightsLab), REINITIALIZE, REMOVE_NEURONS and
 * ADD_NEURONS on one Linear or Conv layer, applied by the training thread at a step boundary
 * (also while paused). A refused request changes nothing and says why; every request is audited.
 * Blocks on the step boundary, so callers run it off the event loops.
 */
final class WeightOperations {

    private static final long TIMEOUT_SECONDS = 60;

    private final Experiment experiment;

    WeightOperations(Experiment experiment) {
        this.experiment = requireNonNull(experiment, "experiment");
    }

    WeightsOperationResponse manipulate(WeightsOperationRequest request, String caller) {
        WeightOperation wire = request.getWeightOperation();
        Outcome outcome = parse(wire).map(this::applyOrRefuse, refusal -> new Outcome(false, refusal));
        Map<String, String> parameters = new LinkedHashMap<>();
        parameters.put("op_type", wire.hasOpType() ? wire.getOpType().name() : "unset");
        parameters.put("layer_id", wire.hasLayerId() ? String.valueOf(wire.getLayerId()) : "unset");
        parameters.put("neuron_ids", wire.getNeuronIdsList().stream().map(n -> n.getLayerId() + ":" + n.getNeuronId()).toList()
                .toString());
        parameters.put("neurons_to_add", String.valueOf(wire.getNeuronsToAdd()));
        experiment.audit().record(new AuditEntry(Instant.now(), "weights_operation", parameters, caller,
                (outcome.success() ? "" : "refused: ") + outcome.message()));
        return WeightsOperationResponse.newBuilder().setSuccess(outcome.success()).setMessage(outcome.message()).build();
    }

    private record Outcome(boolean success, String message) {}

    /** The operation asked for, or why the request cannot be one. */
    private static Parsed parse(WeightOperation wire) {
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

    private Outcome applyOrRefuse(NeuronOperation operation) {
        Optional<ModelLayers> model = experiment.model();
        if (model.isEmpty()) {
            return new Outcome(false, "The model is not built yet: operate on it once training has started.");
        }
        // Whoever flips this first decides: the training thread applies the operation, or the call gives up on it.
        AtomicBoolean claimed = new AtomicBoolean();
        CompletableFuture<Long> applied = experiment.gate().submitAtBoundary(at -> {
            if (!claimed.compareAndSet(false, true)) {
                return -1L;
            }
            model.get().apply(operation);
            return at;
        });
        try {
            long step;
            try {
                step = applied.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                if (claimed.compareAndSet(false, true)) {
                    throw e;
                }
                step = applied.get(); // started just now: it finishes within a boundary
            }
            return new Outcome(true, operation.describe() + "; took effect at step " + step);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            return new Outcome(false, cause instanceof IllegalArgumentException ? cause.getMessage()
                    : "Could not operate on the model: " + cause);
        } catch (TimeoutException e) {
            return new Outcome(false, "The training loop did not reach a step boundary within " + TIMEOUT_SECONDS
                    + " s; nothing was changed");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Outcome(false, "Interrupted");
        }
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
