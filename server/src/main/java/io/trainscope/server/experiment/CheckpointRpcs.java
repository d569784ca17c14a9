package io.trainscope.server.experiment;

import io.trainscope.core.Experiment;
import io.trainscope.core.audit.AuditEntry;
import io.trainscope.core.checkpoints.Checkpoint;
import io.trainscope.core.control.RunStatus;
import io.trainscope.proto.weightslab.ExperimentRunInfo;
import io.trainscope.proto.weightslab.ListExperimentRunsResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Checkpoints and runs over the WeightsLab wire: save, restore (full, at a step, or weights
 * only), list the run's branches, rename them and keep notes. Blocks on the training thread's
 * step boundary, so callers run it off the event loops.
 */
final class CheckpointRpcs {

    /** An outcome for the wire: whether it worked and what to tell the person. */
    record Outcome(boolean success, String message) {}

    /** How long a taken checkpoint may take to reach the disk. */
    private static final long WRITE_SECONDS = 60;
    private static final String WEIGHTS_AT = "@@weights_step=";
    private static final String FULL_AT = "@@step=";
    private static final Set<RunStatus> ENDED = Set.of(RunStatus.COMPLETED, RunStatus.STOPPED, RunStatus.FAILED);

    private final Experiment experiment;
    private final BoundaryWait boundary;

    CheckpointRpcs(Experiment experiment) {
        this.experiment = experiment;
        this.boundary = new BoundaryWait(experiment);
    }

    Outcome save(String caller) {
        Outcome outcome;
        if (!experiment.checkpoints().attached()) {
            outcome = new Outcome(false, experiment.status().isFinal() ? "Training has ended: there is no model to save."
                    : "The model is not built yet: save once training has started.");
        } else {
            try {
                Checkpoint checkpoint = boundary.await(experiment.gate().submitAtBoundary(step -> experiment.checkpoints()
                        .takeNow())).get(WRITE_SECONDS, TimeUnit.SECONDS); // taken: only the write to disk is left
                outcome = new Outcome(true, "Checkpoint " + checkpoint.id() + " saved at step " + checkpoint.step());
            } catch (ExecutionException e) {
                outcome = new Outcome(false, "Failed to save a checkpoint: " + e.getCause().getMessage());
            } catch (BoundaryWait.NotRun e) {
                outcome = new Outcome(false, "Failed to save a checkpoint: " + e.getMessage());
            } catch (TimeoutException e) {
                outcome = new Outcome(false, "The checkpoint was taken but not written to disk within " + WRITE_SECONDS
                        + " s; it will be listed once written");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                outcome = new Outcome(false, "The server is shutting down; the checkpoint was taken and may still be written");
            }
        }
        audit("checkpoint_save", Map.of(), caller, outcome);
        return outcome;
    }

    /**
     * {@code <hash>} restores that run's latest checkpoint; {@code <hash>@@step=N} the one at
     * step N; {@code <hash>@@weights_step=N} only its weights. Training is paused first and stays
     * paused; the steps after form a new branch.
     */
    Outcome restore(String reference, String caller) {
        Outcome outcome = restoreOrRefuse(reference.strip());
        audit("checkpoint_restore", Map.of("experiment_hash", reference), caller, outcome);
        return outcome;
    }

    /** WeightsLab's {@code load_checkpoint_operation}: the full checkpoint at a step of the current branch (or its ancestors). */
    Outcome load(int step, String caller) {
        Optional<Checkpoint> found = experiment.checkpoints().find(experiment.runHash(), Optional.of((long) step))
                .or(() -> experiment.checkpoints().list().stream().filter(c -> c.step() == step)
                        .max(Comparator.comparing(Checkpoint::created)));
        Outcome outcome = found.map(c -> restoreOrRefuse(c.runHash() + FULL_AT + step))
                .orElseGet(() -> new Outcome(false, "No checkpoint at step " + step + "; saved steps are "
                        + experiment.checkpoints().list().stream().map(Checkpoint::step).distinct().sorted().toList()));
        audit("checkpoint_restore", Map.of("checkpoint_id", String.valueOf(step)), caller, outcome);
        return outcome;
    }

    private Outcome restoreOrRefuse(String reference) {
        boolean weightsOnly = reference.contains(WEIGHTS_AT);
        String marker = weightsOnly ? WEIGHTS_AT : FULL_AT;
        String hash = reference.contains(marker) ? reference.substring(0, reference.indexOf(marker)) : reference;
        Optional<Long> step = Optional.empty();
        if (reference.contains(marker)) {
            try {
                step = Optional.of(Long.parseLong(reference.substring(reference.indexOf(marker) + marker.length()).strip()));
            } catch (NumberFormatException e) {
                weightsOnly = false; // WeightsLab: a step that is not a number means a full restore of the hash
            }
        }
        if (hash.isBlank()) {
            return new Outcome(false, "Name the run to restore in experiment_hash (see ListExperimentRuns)");
        }
        Optional<Checkpoint> found = experiment.checkpoints().find(hash, step);
        if (found.isEmpty()) {
            return new Outcome(false, "No checkpoint " + (step.map(s -> "at step " + s + " ").orElse("")) + "of run " + hash
                    + "; runs with checkpoints: " + experiment.checkpoints().list().stream().map(Checkpoint::runHash)
                            .distinct().toList());
        }
        if (ENDED.contains(experiment.status())) {
            return new Outcome(false, "The training loop has ended (" + experiment.status() + "); restart the process on"
                    + " the run directory to train from a checkpoint");
        }
        Checkpoint checkpoint = found.get();
        boolean weights = weightsOnly;
        boolean paused = false;
        try {
            boundary.await(experiment.gate().pause()); // the gate's own future, so a call that gives up withdraws it
            paused = true;
            boundary.await(experiment.gate().submitAtBoundary(at -> {
                experiment.checkpoints().restoreNow(checkpoint, weights);
                return null;
            }));
        } catch (ExecutionException e) {
            return new Outcome(false, "Failed to restore checkpoint " + checkpoint.id() + ": " + e.getCause().getMessage());
        } catch (BoundaryWait.NotRun e) {
            return new Outcome(false, "Failed to restore checkpoint " + checkpoint.id() + ": " + e.getMessage()
                    + (paused ? " (training was paused, and stays paused)" : ""));
        }
        return new Outcome(true, (weights ? "Weights restored from checkpoint " : "Checkpoint ") + checkpoint.id()
                + (weights ? "" : " restored") + "; paused at step " + checkpoint.step() + " on new branch "
                + experiment.runHash());
    }

    ListExperimentRunsResponse list() {
        Map<String, List<Checkpoint>> byRun = new LinkedHashMap<>();
        for (Checkpoint c : experiment.checkpoints().list()) {
            byRun.computeIfAbsent(c.runHash(), h -> new ArrayList<>()).add(c);
        }
        byRun.putIfAbsent(experiment.runHash(), List.of());
        List<ExperimentRunInfo> runs = new ArrayList<>();
        byRun.forEach((hash, checkpoints) -> {
            Instant created = checkpoints.stream().map(Checkpoint::created).min(Comparator.naturalOrder()).orElse(Instant.now());
            Instant lastUsed = hash.equals(experiment.runHash()) ? Instant.now()
                    : checkpoints.stream().map(Checkpoint::created).max(Comparator.naturalOrder()).orElse(created);
            String name = experiment.runNotes().name(hash).orElseGet(() -> experiment.runNotes().parent(hash)
                    .map(parent -> "branch of " + parent).orElse("run " + hash.substring(0, 8)));
            runs.add(ExperimentRunInfo.newBuilder().setExperimentHash(hash).setExperimentName(name)
                    .setNotes(experiment.runNotes().notes(hash)).setCreated(created.toString())
                    .setLastUsed(lastUsed.toString())
                    .setLatestWeightStep((int) checkpoints.stream().mapToLong(Checkpoint::step).max().orElse(-1))
                    .setIsCurrent(hash.equals(experiment.runHash())).build());
        });
        runs.sort(Comparator.comparing(ExperimentRunInfo::getLastUsed).reversed());
        return ListExperimentRunsResponse.newBuilder().addAllRuns(runs).build();
    }

    Outcome rename(String hash, String name, String caller) {
        Outcome outcome;
        if (name.isBlank() || !known(hash)) {
            outcome = new Outcome(false, "Failed to rename " + hash + (name.isBlank() ? ": the new name is empty" : ": no such run"));
        } else {
            experiment.runNotes().setName(hash, name.strip());
            outcome = new Outcome(true, "Renamed " + hash + " to '" + name.strip() + "'");
        }
        audit("run_rename", Map.of("experiment_hash", hash, "new_name", name), caller, outcome);
        return outcome;
    }

    Outcome setNotes(String hash, String notes, String caller) {
        Outcome outcome;
        if (!known(hash)) {
            outcome = new Outcome(false, "Failed to save notes for " + hash + ": no such run");
        } else {
            experiment.runNotes().setNotes(hash, notes);
            outcome = new Outcome(true, "Notes saved");
        }
        audit("run_notes", Map.of("experiment_hash", hash), caller, outcome);
        return outcome;
    }

    private boolean known(String hash) {
        return hash.equals(experiment.runHash())
                || experiment.checkpoints().list().stream().anyMatch(c -> c.runHash().equals(hash));
    }

    private void audit(String action, Map<String, String> parameters, String caller, Outcome outcome) {
        experiment.audit().record(new AuditEntry(Instant.now(), action, parameters, caller,
                (outcome.success() ? "" : "refused: ") + outcome.message()));
    }
}
