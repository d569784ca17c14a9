package io.trainscope.core.eval;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * One evaluation asked for: the split to evaluate, the tags its samples must all carry (unless
 * {@code useFullSet}), a cap on its batches (0 for none), and whether training pauses for it.
 *
 * <pre>{@code
 * experiment.evaluations().trigger(EvaluationRequest.of("test").withTags(List.of("hard")));
 * }</pre>
 */
public record EvaluationRequest(String split, List<String> tags, boolean useFullSet, int maxBatches,
        boolean pauseTraining) {

    public EvaluationRequest {
        requireNonNull(split, "split");
        tags = List.copyOf(requireNonNull(tags, "tags"));
        if (maxBatches < 0) {
            throw new IllegalArgumentException("maxBatches must not be negative: " + maxBatches);
        }
    }

    /** The whole split, every batch, training paused (WeightsLab's default). */
    public static EvaluationRequest of(String split) {
        return new EvaluationRequest(split, List.of(), true, 0, true);
    }

    /** Only the samples carrying every one of {@code names}; an empty list means the whole split. */
    public EvaluationRequest withTags(List<String> names) {
        return new EvaluationRequest(split, names, names.isEmpty(), maxBatches, pauseTraining);
    }

    public EvaluationRequest withMaxBatches(int batches) {
        return new EvaluationRequest(split, tags, useFullSet, batches, pauseTraining);
    }

    public EvaluationRequest withPauseTraining(boolean pause) {
        return new EvaluationRequest(split, tags, useFullSet, maxBatches, pause);
    }

    /** The tag filter that applies: none for the full set, as WeightsLab ignores the tags then. */
    public List<String> effectiveTags() {
        return useFullSet ? List.of() : tags;
    }
}
