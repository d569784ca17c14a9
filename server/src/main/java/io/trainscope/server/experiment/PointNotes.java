package io.trainscope.server.experiment;

import io.trainscope.core.Experiment;
import io.trainscope.core.audit.AuditEntry;
import io.trainscope.core.signals.SignalPointNotFoundException;
import io.trainscope.proto.weightslab.CommandResponse;
import io.trainscope.proto.weightslab.PlotNoteOperation;
import java.time.Instant;
import java.util.Map;

/** {@code plot_note_operation}: sets, replaces or clears the note on one curve point, audited as {@code note_write}. */
final class PointNotes {

    private final Experiment experiment;

    PointNotes(Experiment experiment) {
        this.experiment = experiment;
    }

    CommandResponse write(PlotNoteOperation note, String caller) {
        String target = note.getMetricName() + "@" + note.getExperimentHash() + ":" + note.getModelAge();
        String result;
        boolean success;
        if (note.getMetricName().isBlank() || note.getExperimentHash().isBlank()) {
            success = false;
            result = "A note needs metric_name and experiment_hash; nothing was changed.";
        } else {
            try {
                experiment.signals().setNote(note.getMetricName(), note.getExperimentHash(), note.getModelAge(),
                        note.getNote().strip());
                success = true;
                result = (note.getNote().isBlank() ? "Cleared note for " : "Saved note for ") + note.getMetricName()
                        + " @ step " + note.getModelAge();
            } catch (SignalPointNotFoundException e) {
                success = false;
                result = "Signal point not found for note update: " + target;
            }
        }
        experiment.audit().record(new AuditEntry(Instant.now(), "note_write",
                Map.of("point", target, "note", note.getNote()), caller, (success ? "" : "refused: ") + result));
        return CommandResponse.newBuilder().setSuccess(success).setMessage(result).build();
    }
}
