package io.trainscope.server.experiment;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.trainscope.core.Experiment;
import io.trainscope.core.audit.AuditEntry;
import io.trainscope.core.eval.EvaluationProgress;
import io.trainscope.core.eval.EvaluationQueue;
import io.trainscope.core.eval.EvaluationRequest;
import io.trainscope.proto.weightslab.CancelEvaluationRequest;
import io.trainscope.proto.weightslab.GetEvaluationStatusResponse;
import io.trainscope.proto.weightslab.TriggerEvaluationRequest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * WeightsLab's evaluation RPCs ({@code TriggerEvaluation}, {@code GetEvaluationStatus},
 * {@code CancelEvaluation}, and {@code evaluation_config} of a hyperparameter change) over the
 * experiment's {@link io.trainscope.core.eval.Evaluations}. Triggers and cancels are audited
 * before they are answered. Blocking (a tag lookup, the audit file): call off the event loop.
 */
final class EvaluationRpcs {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Experiment experiment;

    EvaluationRpcs(Experiment experiment) {
        this.experiment = requireNonNull(experiment, "experiment");
    }

    EvaluationQueue.Answer trigger(TriggerEvaluationRequest request, String caller) {
        EvaluationRequest wanted = new EvaluationRequest(request.getSplitName().strip(), request.getTagsList(),
                request.getUseFullSet(), 0, true);
        return trigger(wanted, caller);
    }

    EvaluationQueue.Answer cancel(CancelEvaluationRequest request, String caller) {
        EvaluationQueue.Answer answer = experiment.evaluations().cancel(request.getReason());
        audit("evaluation_cancel", Map.of("reason", request.getReason()), caller, answer);
        return answer;
    }

    /** Never fails: the state machine's snapshot. */
    GetEvaluationStatusResponse status() {
        EvaluationProgress p = experiment.evaluations().progress();
        return GetEvaluationStatusResponse.newBuilder().setStatus(p.state().wireName()).setCurrent(p.current())
                .setTotal(p.total()).setMessage(p.message()).setError(p.error()).setSplitName(p.split()).build();
    }

    /**
     * {@code HyperParameters.evaluation_config}: {@code {"cancel": true, "reason": ...}} cancels;
     * otherwise {@code {"split", "tags", "use_full_set" (default true), "max_steps" | "steps",
     * "pause_training" (ours, default true)}} triggers.
     */
    EvaluationQueue.Answer configure(String json, String caller) {
        JsonNode config;
        try {
            config = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            return new EvaluationQueue.Answer(false, "evaluation_config is not JSON: " + e.getOriginalMessage()
                    + "; nothing was changed.");
        }
        if (config == null || !config.isObject()) {
            return new EvaluationQueue.Answer(false, "evaluation_config must be a JSON object such as"
                    + " {\"split\": \"test\"} or {\"cancel\": true}; nothing was changed.");
        }
        if (config.path("cancel").asBoolean(false)) {
            return cancel(CancelEvaluationRequest.newBuilder().setReason(config.path("reason").asText("")).build(), caller);
        }
        List<String> tags = new ArrayList<>();
        config.path("tags").forEach(tag -> tags.add(tag.asText()));
        JsonNode steps = config.has("max_steps") ? config.get("max_steps") : config.path("steps");
        int maxBatches = steps.canConvertToInt() && steps.asInt() > 0 ? steps.asInt() : 0;
        EvaluationRequest wanted = new EvaluationRequest(config.path("split").asText("").strip(), tags,
                config.path("use_full_set").asBoolean(true), maxBatches, config.path("pause_training").asBoolean(true));
        return trigger(wanted, caller);
    }

    private EvaluationQueue.Answer trigger(EvaluationRequest request, String caller) {
        EvaluationQueue.Answer answer = experiment.evaluations().trigger(request);
        Map<String, String> parameters = new LinkedHashMap<>();
        parameters.put("split_name", request.split());
        parameters.put("tags", String.join(",", request.tags()));
        parameters.put("use_full_set", String.valueOf(request.useFullSet()));
        if (request.maxBatches() > 0) {
            parameters.put("max_batches", String.valueOf(request.maxBatches()));
        }
        if (!request.pauseTraining()) {
            parameters.put("pause_training", "false");
        }
        audit("evaluation_trigger", parameters, caller, answer);
        return answer;
    }

    private void audit(String action, Map<String, String> parameters, String caller, EvaluationQueue.Answer answer) {
        experiment.audit().record(new AuditEntry(Instant.now(), action, parameters, caller,
                (answer.accepted() ? "" : "refused: ") + answer.message()));
    }
}
