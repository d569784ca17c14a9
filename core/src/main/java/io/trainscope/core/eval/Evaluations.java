package io.trainscope.core.eval;

import static java.util.Objects.requireNonNull;

import io.trainscope.core.Experiment;
import io.trainscope.core.control.RunStatus;
import io.trainscope.core.samples.BatchStats;
import io.trainscope.core.signals.CurveSummary;
import io.trainscope.core.signals.HistoryQuery;
import io.trainscope.core.signals.SignalPoint;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Evaluations of a run on demand: a trigger queues one and puts a command on the training gate;
 * the training thread runs it there, between two steps, batch by batch, checking for a cancel
 * before each batch and serving other commands after each. Its mean loss and accuracy become
 * evaluation markers ({@code eval/<split>/loss}, {@code eval/<split>/accuracy}) under the hash
 * {@code <runHash>_<N>}, N counting the run's evaluations; per-sample loss, prediction and
 * confidence go to the sample table, except for the splits the model trains on (there they would
 * overwrite the training statistics).
 *
 * <p>By default training pauses before the evaluation and stays paused after it, so its result
 * describes the model a person can then inspect; resuming is the person's call.
 */
public final class Evaluations {

    private final Experiment experiment;
    private final EvaluationQueue queue = new EvaluationQueue();
    private volatile BatchEvaluator evaluator;
    private volatile Set<String> trainingSplits = Set.of();
    /** Evaluations numbered so far (training thread); -1 until read from the run's stored curves. */
    private int passes = -1;

    public Evaluations(Experiment experiment) {
        this.experiment = requireNonNull(experiment, "experiment");
    }

    /**
     * Called by the training loop once its model exists: evaluations run through {@code evaluator};
     * samples of {@code trainingSplits} get no per-sample evaluation results.
     */
    public void attach(BatchEvaluator evaluator, Set<String> trainingSplits) {
        this.trainingSplits = Set.copyOf(requireNonNull(trainingSplits, "trainingSplits"));
        this.evaluator = requireNonNull(evaluator, "evaluator");
    }

    /** Called by the training loop once it has ended: the closed run no longer keeps its model and data reachable. */
    public void detach() {
        evaluator = null;
    }

    /** Queues {@code request} (see {@link EvaluationQueue#trigger}); refused for an unknown split or tag. */
    public EvaluationQueue.Answer trigger(EvaluationRequest request) {
        requireNonNull(request, "request");
        if (request.split().isBlank()) {
            return new EvaluationQueue.Answer(false, "split_name is required");
        }
        List<String> splits = experiment.samples().origins();
        if (!splits.contains(request.split())) {
            return new EvaluationQueue.Answer(false, "Loader '" + request.split() + "' not found. Splits: "
                    + String.join(", ", splits));
        }
        List<String> known = experiment.samples().views().tags();
        for (String tag : request.effectiveTags()) {
            String bare = tag.strip().replaceFirst("(?i)^tag:", "");
            if (!known.contains(bare)) {
                return new EvaluationQueue.Answer(false, "No tag '" + bare + "' in the sample table"
                        + (known.isEmpty() ? " (no sample carries a tag yet)" : "; tags: " + String.join(", ", known)));
            }
        }
        if (experiment.status() == RunStatus.FAILED) {
            return new EvaluationQueue.Answer(false, "Cannot evaluate: training failed and its model is gone");
        }
        EvaluationQueue.Answer answer = queue.trigger(request);
        if (!answer.accepted()) {
            return answer;
        }
        String paused = "";
        if (request.pauseTraining() && !experiment.status().isFinal()) {
            experiment.gate().pause(); // before the evaluation's own command: it runs with training parked
            paused = "; training pauses for it and stays paused after it";
        }
        experiment.gate().submit(this::runWaiting).whenComplete((ignored, error) -> {
            if (error != null) {
                queue.failed("Evaluation worker terminated unexpectedly: " + error.getMessage());
            }
        });
        return new EvaluationQueue.Answer(true, answer.message() + paused);
    }

    public EvaluationQueue.Answer cancel(String reason) {
        return queue.cancel(reason);
    }

    public EvaluationProgress progress() {
        return queue.progress();
    }

    /** Training thread, at a step boundary: runs the waiting evaluation, if one still waits. */
    private Void runWaiting(long step) {
        queue.start().ifPresent(request -> {
            try {
                run(request, step);
            } catch (RuntimeException e) {
                queue.failed(e.getMessage() != null ? e.getMessage() : e.toString());
            }
        });
        return null;
    }

    private void run(EvaluationRequest request, long step) {
        BatchEvaluator model = evaluator;
        if (model == null) {
            queue.failed("The model is not built yet: trigger again once training has started");
            return;
        }
        String split = request.split();
        int[] ids = experiment.samples().views().keptIds(split, request.effectiveTags());
        if (ids.length == 0) {
            queue.failed("Evaluation set is empty after filtering (split '" + split + "', tags "
                    + request.effectiveTags() + ", discarded samples left out)");
            return;
        }
        int batchSize = batchSize(split);
        int batches = (ids.length + batchSize - 1) / batchSize;
        if (request.maxBatches() > 0) {
            batches = Math.min(batches, request.maxBatches());
        }
        queue.total(batches);
        boolean record = !trainingSplits.contains(split);
        double lossSum = 0;
        long correct = 0;
        int seen = 0;
        for (int b = 0; b < batches; b++) {
            if (queue.cancelRequested()) {
                queue.canceled();
                return;
            }
            int[] slice = Arrays.copyOfRange(ids, b * batchSize, Math.min(ids.length, (b + 1) * batchSize));
            BatchEvaluator.Results out = model.evaluate(split, slice);
            for (int i = 0; i < slice.length; i++) {
                lossSum += out.losses()[i];
                if (out.predictions()[i] == out.labels()[i]) {
                    correct++;
                }
            }
            seen += slice.length;
            if (record) {
                experiment.samples().record(new BatchStats(split, step, slice, out.predictions(), out.confidences(),
                        out.losses()));
            }
            queue.batchDone();
            experiment.gate().serveWithinStep(step); // model reads and pauses are answered meanwhile
        }
        float loss = (float) (lossSum / seen);
        float accuracy = (float) correct / seen;
        String hash = experiment.runHash() + "_" + nextPass();
        long now = System.currentTimeMillis() / 1000;
        experiment.signals().append(SignalPoint.of("eval/" + split + "/loss", hash, step, loss, now)
                .asEvaluationMarker(split, request.effectiveTags()));
        experiment.signals().append(SignalPoint.of("eval/" + split + "/accuracy", hash, step, accuracy, now)
                .asEvaluationMarker(split, request.effectiveTags()));
        queue.done(String.format(Locale.ROOT, "Done: loss %.4f, accuracy %.2f%% on %d samples of '%s' at step %d (%s)",
                loss, accuracy * 100, seen, split, step, hash));
    }

    /** The test split's batch size for the test split, the validation batch size for any other. */
    private int batchSize(String split) {
        return split.equals("test") ? experiment.hyperParameters().testBatchSize()
                : experiment.hyperParameters().validationBatchSize();
    }

    /** The next pass number N of {@code <runHash>_<N>}, counting the run's stored evaluations (a reopened run goes on). */
    private int nextPass() {
        if (passes < 0) {
            Pattern ours = Pattern.compile(Pattern.quote(experiment.runHash()) + "_(\\d{1,9})");
            passes = experiment.signals().history(HistoryQuery.all().withIndexOnly(true)).curves().stream()
                    .map(CurveSummary::runHash).map(ours::matcher).filter(m -> m.matches())
                    .mapToInt(m -> Integer.parseInt(m.group(1))).max().orElse(0);
        }
        return ++passes;
    }
}
