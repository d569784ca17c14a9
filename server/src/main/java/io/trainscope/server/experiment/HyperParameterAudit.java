package io.trainscope.server.experiment;

import io.trainscope.core.audit.AuditEntry;
import io.trainscope.core.audit.AuditLog;
import io.trainscope.proto.weightslab.HyperParameters;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * How a {@code hyper_parameter_change} reads in the audit log: one entry per kind of action it
 * contained ({@code pause}/{@code resume}, {@code mode_switch}, {@code hp_change}), each with
 * every field sent.
 */
final class HyperParameterAudit {

    /** Fields that change the run's state rather than a value; audited as pause/resume/mode_switch. */
    private static final Set<String> MODE_FIELDS = Set.of("is_training", "auditor_mode", "evaluation_mode");

    private HyperParameterAudit() {}

    /** Records the change before the reply goes out. */
    static void record(AuditLog audit, HyperParameters hp, String caller, String result) {
        Map<String, String> parameters = new LinkedHashMap<>();
        for (var field : hp.getAllFields().entrySet()) {
            parameters.put(field.getKey().getName(), String.valueOf(field.getValue()));
        }
        List<String> actions = new ArrayList<>();
        if (hp.hasIsTraining()) {
            actions.add(hp.getIsTraining() ? "resume" : "pause");
        }
        if (hp.hasAuditorMode() || hp.hasEvaluationMode()) {
            actions.add("mode_switch");
        }
        if (parameters.isEmpty() || !MODE_FIELDS.containsAll(parameters.keySet())) {
            actions.add("hp_change"); // values, a step count, or an empty (refused) change
        }
        Instant now = Instant.now();
        actions.forEach(action -> audit.record(new AuditEntry(now, action, parameters, caller, result)));
    }
}
