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
 * and a few samples' values across steps (their trajectories).
 */
public final class SampleSignals {

    /** One sample's value at one step. */
    public record StepValue(SampleKey key, float value) {}

    /** The samples drawn at a step, at most the asked-for number, with how many there were. */
    public record AtStep(List<StepValue> values, int total) {}

    /** One sample's values in step order, downsampled with both ends kept. */
    public record Trajectory(SampleKey key, long[] steps, float[] values) {}

    /** Samples a trajectory request with no ids covers at most (the lowest ids with data). */
    public static final int MAX_TRAJECTORIES = 256;

    private final SampleViews views;

    SampleSignals(SampleViews views) {
        this.views = views;
    }

    /**
     * The samples whose loss was recorded at {@code step}, in id order, cut to {@code maxSamples}
     * (0: no cut). After a restore, a step the run went through twice lists the latest pass.
     */
    public AtStep atStep(long step, int maxSamples) {
        return views.locked(() -> {
            List<StepValue> values = new ArrayList<>();
            try (PreparedStatement statement = views.connection().prepareStatement(
                    "SELECT s.origin, s.sample_id, arg_max(h.loss, h.rowid) FROM sample_history h "
                            + "JOIN samples s ON s.row_key = h.row_key WHERE h.step = ? "
                            + "GROUP BY s.origin, s.sample_id ORDER BY s.sample_id, s.origin")) {
                statement.setLong(1, step);
                try (ResultSet rows = statement.executeQuery()) {
                    while (rows.next()) {
                        values.add(new StepValue(new SampleKey(rows.getString(1), rows.getLong(2)), rows.getFloat(3)));
                    }
                }
            }
            int total = values.size();
            List<StepValue> kept = maxSamples > 0 && maxSamples < total ? List.copyOf(values.subList(0, maxSamples)) : values;
            return new AtStep(kept, total);
        });
    }

    /**
     * The loss trajectories of {@code keys} (empty: the first {@link #MAX_TRAJECTORIES} samples
     * with data), each downsampled to {@code maxPoints} with its first and last points kept;
     * samples with fewer than {@code minPoints} recorded points are left out.
     */
    public List<Trajectory> trajectories(List<SampleKey> keys, int maxPoints, int minPoints) {
        int points = Math.max(2, maxPoints);
        return views.locked(() -> {
            Map<SampleKey, List<Point>> series = new LinkedHashMap<>();
            String chosen = keys.isEmpty()
                    ? "WHERE h.row_key IN (SELECT DISTINCT row_key FROM sample_history ORDER BY row_key LIMIT "
                            + MAX_TRAJECTORIES + ")"
                    : "JOIN (VALUES " + String.join(", ", Collections.nCopies(keys.size(), "(CAST(? AS VARCHAR), CAST(? AS BIGINT))"))
                            + ") AS k(origin, sample_id) ON s.origin = k.origin AND s.sample_id = k.sample_id";
            try (PreparedStatement statement = views.connection().prepareStatement(
                    "SELECT s.origin, s.sample_id, h.step, h.loss FROM sample_history h JOIN samples s ON s.row_key = h.row_key "
                            + chosen + " ORDER BY s.sample_id, s.origin, h.step, h.rowid")) {
                int index = 1;
                for (SampleKey key : keys) {
                    statement.setString(index++, key.origin());
                    statement.setLong(index++, key.sampleId());
                }
                try (ResultSet rows = statement.executeQuery()) {
                    while (rows.next()) {
                        SampleKey key = new SampleKey(rows.getString(1), rows.getLong(2));
                        series.computeIfAbsent(key, k -> new ArrayList<>()).add(new Point(rows.getLong(3), rows.getFloat(4)));
                    }
                }
            }
            List<Trajectory> out = new ArrayList<>();
            series.forEach((key, list) -> {
                if (list.size() >= minPoints) {
                    out.add(downsample(key, list, points));
                }
            });
            return out;
        });
    }

    private record Point(long step, float value) {}

    private static Trajectory downsample(SampleKey key, List<Point> list, int maxPoints) {
        int n = list.size();
        int keep = Math.min(n, maxPoints);
        long[] steps = new long[keep];
        float[] values = new float[keep];
        for (int i = 0; i < keep; i++) {
            int from = keep == 1 ? 0 : (int) Math.round((double) i * (n - 1) / (keep - 1));
            steps[i] = list.get(from).step();
            values[i] = list.get(from).value();
        }
        return new Trajectory(key, steps, values);
    }
}
