package io.trainscope.core.signals;

import static java.util.Objects.requireNonNull;

import java.util.Collection;
import java.util.Set;

/**
 * What a history read asks for: which curves (metric names and run hashes, empty for all), which
 * steps, how many points per curve, or only the curves' summaries. {@code maxPoints} follows the
 * wire: 0 means {@value #DEFAULT_MAX_POINTS}, and anything below {@value #MIN_MAX_POINTS} means
 * {@value #MIN_MAX_POINTS}.
 *
 * <pre>{@code
 * store.history(HistoryQuery.all().withMaxPoints(500).withRange(new StepRange(1_000, 2_000)));
 * }</pre>
 */
public record HistoryQuery(int maxPoints, StepRange range, Set<String> metrics, Set<String> runHashes, boolean indexOnly) {

    public static final int DEFAULT_MAX_POINTS = 1000;
    public static final int MIN_MAX_POINTS = 3;

    public HistoryQuery {
        requireNonNull(range, "range");
        metrics = Set.copyOf(requireNonNull(metrics, "metrics"));
        runHashes = Set.copyOf(requireNonNull(runHashes, "runHashes"));
    }

    /** Every curve, every step, the default number of points per curve. */
    public static HistoryQuery all() {
        return new HistoryQuery(0, StepRange.ALL, Set.of(), Set.of(), false);
    }

    public HistoryQuery withMaxPoints(int points) {
        return new HistoryQuery(points, range, metrics, runHashes, indexOnly);
    }

    public HistoryQuery withRange(StepRange visible) {
        return new HistoryQuery(maxPoints, visible, metrics, runHashes, indexOnly);
    }

    public HistoryQuery withMetrics(Collection<String> names) {
        return new HistoryQuery(maxPoints, range, Set.copyOf(names), runHashes, indexOnly);
    }

    public HistoryQuery withRunHashes(Collection<String> hashes) {
        return new HistoryQuery(maxPoints, range, metrics, Set.copyOf(hashes), indexOnly);
    }

    public HistoryQuery withIndexOnly(boolean summariesOnly) {
        return new HistoryQuery(maxPoints, range, metrics, runHashes, summariesOnly);
    }

    /** The target as requested, {@value #DEFAULT_MAX_POINTS} for 0: what the wire echoes as {@code applied_max_points}. */
    public int requestedMaxPoints() {
        return maxPoints == 0 ? DEFAULT_MAX_POINTS : maxPoints;
    }

    /** The target actually used per curve: the requested one, at least {@value #MIN_MAX_POINTS}. */
    public int targetPoints() {
        return Math.max(MIN_MAX_POINTS, requestedMaxPoints());
    }

    boolean selects(String metric, String runHash) {
        return (metrics.isEmpty() || metrics.contains(metric)) && (runHashes.isEmpty() || runHashes.contains(runHash));
    }
}
