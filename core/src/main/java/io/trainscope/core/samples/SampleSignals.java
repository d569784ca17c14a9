package io.trainscope.core.samples;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The per-sample signals recorded at each training step (each drawn sample's loss), read two
 * ways: which samples a step drew, with their values (a click on a point of the loss curve),
 * and a few samples' values across steps (their trajectories). A step trained more than once
 * (after a restore or a resumed crash) counts by its latest pass only: the batch recorded last
 * for that step, the one the loss curve plots.
 */
public final class SampleSignals {

    /** One sample's value at one step. */
    public record StepValue(SampleKey key, float value) {}

    /** The samples drawn at a step, at most the asked-for number, with how many there were. */
    public record AtStep(List<StepValue> values, int total) {}

    /** One sample's values in step order, downsampled with both ends kept. */
    public record Trajectory(SampleKey key, float[] values) {}

    /** The trajectories found, and whether a request with no ids left samples with data out (more than the limit). */
    public record Trajectories(List<Trajectory> found, boolean cut) {}

    /** Samples a trajectory request with no ids covers at most (the lowest ids with data). */
    public static final int MAX_TRAJECTORIES = 256;

    /** The latest pass of each step of a split: the highest-numbered batch recorded for it (one per training step). */
    private static final String LATEST_PASSES = "latest AS (SELECT h.step, max(h.batch_no) AS batch_no "
            + "FROM sample_history h JOIN samples s ON s.row_key = h.row_key WHERE s.origin = ? GROUP BY h.step)";

    private final SampleViews views;

    SampleSignals(SampleViews views) {
        this.views = views;
    }

    /**
     * The samples of split {@code origin} whose loss was recorded at {@code step} in its latest
     * pass, in id order, cut to {@code maxSamples} (0: no cut).
     */
    public AtStep atStep(String origin, long step, int maxSamples) {
        return views.locked(() -> {
            List<StepValue> values = new ArrayList<>();
            try (PreparedStatement statement = views.connection().prepareStatement(
                    "SELECT s.sample_id, h.loss FROM sample_history h JOIN samples s ON s.row_key = h.row_key "
                            + "WHERE h.step = ? AND s.origin = ? QUALIFY h.batch_no = max(h.batch_no) OVER () "
                            + "ORDER BY s.sample_id")) {
                statement.setLong(1, step);
                statement.setString(2, origin);
                try (ResultSet rows = statement.executeQuery()) {
                    while (rows.next()) {
                        values.add(new StepValue(new SampleKey(origin, rows.getLong(1)), rows.getFloat(2)));
                    }
                }
            }
            int total = values.size();
            List<StepValue> kept = maxSamples > 0 && maxSamples < total ? List.copyOf(values.subList(0, maxSamples)) : values;
            return new AtStep(kept, total);
        });
    }

    /**
     * The loss trajectories of split {@code origin}'s samples {@code sampleIds} (empty: the
     * {@link #MAX_TRAJECTORIES} lowest ids with data), over each step's latest pass, each
     * downsampled to {@code maxPoints} with its first and last points kept; samples with fewer
     * than {@code minPoints} points are left out.
     */
    public Trajectories trajectories(String origin, List<Long> sampleIds, int maxPoints, int minPoints) {
        int points = Math.max(2, maxPoints);
        return views.locked(() -> {
            Map<Long, List<Float>> series = new LinkedHashMap<>();
            String chosen = sampleIds.isEmpty()
                    ? "(SELECT DISTINCT sample_id FROM kept ORDER BY sample_id LIMIT " + MAX_TRAJECTORIES + ")"
                    : "(" + String.join(", ", Collections.nCopies(sampleIds.size(), "?")) + ")";
            long withData = 0;
            try (PreparedStatement statement = views.connection().prepareStatement("WITH " + LATEST_PASSES + ", "
                    + "kept AS (SELECT s.sample_id, h.step, h.loss FROM sample_history h JOIN samples s ON s.row_key = h.row_key "
                    + "JOIN latest l ON l.step = h.step AND l.batch_no = h.batch_no WHERE s.origin = ?) "
                    + "SELECT sample_id, loss, (SELECT count(DISTINCT sample_id) FROM kept) FROM kept "
                    + "WHERE sample_id IN " + chosen + " ORDER BY sample_id, step")) {
                int index = 1;
                statement.setString(index++, origin);
                statement.setString(index++, origin);
                for (long id : sampleIds) {
                    statement.setLong(index++, id);
                }
                try (ResultSet rows = statement.executeQuery()) {
                    while (rows.next()) {
                        series.computeIfAbsent(rows.getLong(1), k -> new ArrayList<>()).add(rows.getFloat(2));
                        withData = rows.getLong(3);
                    }
                }
            }
            List<Trajectory> found = new ArrayList<>();
            series.forEach((id, list) -> {
                if (list.size() >= minPoints) {
                    found.add(new Trajectory(new SampleKey(origin, id), downsample(list, points)));
                }
            });
            return new Trajectories(found, sampleIds.isEmpty() && withData > MAX_TRAJECTORIES);
        });
    }

    private static float[] downsample(List<Float> list, int maxPoints) {
        int n = list.size();
        int keep = Math.min(n, maxPoints);
        float[] values = new float[keep];
        for (int i = 0; i < keep; i++) {
            int from = keep == 1 ? 0 : (int) Math.round((double) i * (n - 1) / (keep - 1));
            values[i] = list.get(from);
        }
        return values;
    }
}
