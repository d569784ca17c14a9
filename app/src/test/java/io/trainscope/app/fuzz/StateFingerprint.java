package io.trainscope.app.fuzz;

import io.trainscope.core.Experiment;
import io.trainscope.core.checkpoints.Checkpoint;
import io.trainscope.core.eval.EvaluationProgress;
import io.trainscope.core.hparams.LiveHyperParameters;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What a request may change in a paused run, read from the core: hyperparameters, the gate
 * (paused, step budget, queued commands), the sample table (splits, labels, tags, discards,
 * columns), checkpoints, runs (names, notes, parents) and the evaluation state. Two equal
 * fingerprints mean nothing a person can see has changed.
 */
record StateFingerprint(String hyperParameters, String gate, String runHash, Map<String, String> discards,
        List<String> columns, String sampleOverview, List<String> checkpoints, List<String> runs, String evaluation) {

    static StateFingerprint of(Experiment experiment) {
        LiveHyperParameters hp = experiment.hyperParameters();
        String hyperParameters = "lr=" + hp.learningRate() + " bs=" + hp.batchSize() + " val=" + hp.validationBatchSize()
                + " test=" + hp.testBatchSize() + " eval_every=" + hp.fullEvalFrequency() + " checkpoint_every="
                + hp.checkpointFrequency() + " auditor=" + hp.auditorMode() + " evaluation_mode=" + hp.evaluationMode();
        long step = experiment.step();
        String gate = "step=" + step + " paused=" + experiment.gate().isPaused() + " steps_left="
                + experiment.gate().stepsLeft(step) + " queued=" + experiment.gate().pendingCommands() + " status="
                + experiment.status();
        Map<String, String> discards = new TreeMap<>();
        experiment.samples().discarded().snapshot().forEach((origin, ids) -> {
            int[] sorted = ids.clone();
            Arrays.sort(sorted);
            discards.put(origin, sorted.length + " ids, hash " + Arrays.hashCode(sorted));
        });
        List<Checkpoint> saved = experiment.checkpoints().list();
        Set<String> hashes = new LinkedHashSet<>();
        hashes.add(experiment.runHash());
        saved.forEach(c -> hashes.add(c.runHash()));
        List<String> runs = hashes.stream().map(h -> h + " name=" + experiment.runNotes().name(h).orElse("-") + " notes="
                + experiment.runNotes().notes(h) + " parent=" + experiment.runNotes().parent(h).orElse("-")).toList();
        EvaluationProgress evaluation = experiment.evaluations().progress();
        return new StateFingerprint(hyperParameters, gate, experiment.runHash(), discards,
                experiment.samples().views().columnNames(), experiment.samples().analysis().overview("fuzz-fingerprint"),
                saved.stream().map(Checkpoint::id).toList(), runs, evaluation.state() + " " + evaluation.split());
    }
}
