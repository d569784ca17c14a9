package io.trainscope.core.samples;

import static io.trainscope.core.samples.SampleSchema.quote;

import io.trainscope.core.samples.query.ColumnType;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Summaries of the sample table for people: histograms of a column over a view, an overview,
 * one sample's loss history, and the mean loss per step of the samples carrying a tag.
 */
public final class SampleAnalysis {

    /** Mean loss of a tag's samples at each step where any of them was drawn. */
    public record TagCurve(String tag, long[] steps, float[] meanLosses, int[] counts) {}

    private final SampleViews views;

    SampleAnalysis(SampleViews views) {
        this.views = views;
    }

    /**
     * The distribution of {@code column} over {@code client}'s view in at most {@code maxBins}
     * bins: equal-width value ranges, or (with {@code byRowOrder}) equal runs of rows in view order
     * as WeightsLab bins. Text columns give categorical bars.
     *
     * @throws IllegalArgumentException when the table has no such column
     */
    public Histogram histogram(String client, String column, int maxBins, boolean byRowOrder) {
        int bins = maxBins <= 0 ? 512 : Math.min(maxBins, 4096);
        return views.locked(() -> {
            var columns = SampleSchema.catalog(views.connection());
            var resolved = columns.resolve(column).orElseThrow(() -> new IllegalArgumentException(
                    "column '" + column + "' not in view; columns are " + columns.names()));
            String source = views.source(client);
            if (resolved.type() == ColumnType.TEXT) {
                return categorical(source, quote(resolved.name()));
            }
            String x = "CAST(" + quote(resolved.name()) + " AS DOUBLE)";
            long total = scalar("SELECT count(*) FROM " + source);
            String bin;
            if (byRowOrder) {
                bin = "CAST(floor((row_number() OVER (ORDER BY pos) - 1) * " + bins + " / greatest(" + total + ", 1)) AS BIGINT)";
            } else {
                double[] range = range(source, x);
                double width = (range[1] - range[0]) / bins;
                bin = width > 0 && Double.isFinite(width)
                        ? "least(CAST(floor((x - " + range[0] + ") / " + width + ") AS BIGINT), " + (bins - 1) + ")"
                        : "CASE WHEN x IS NULL THEN NULL ELSE 0 END";
            }
            String sql = "SELECT b, origin, discarded, count(x), min(x), max(x), sum(x), count(*) FROM (SELECT " + bin
                    + " AS b, origin, discarded, x FROM (SELECT pos, origin, discarded, CASE WHEN isfinite(" + x + ") THEN "
                    + x + " END AS x FROM " + source + ")) WHERE b IS NOT NULL GROUP BY ALL ORDER BY b";
            return numeric(sql, total, byRowOrder ? (int) Math.min(bins, Math.max(total, 1)) : bins);
        });
    }

    private Histogram numeric(String sql, long total, int binCount) throws SQLException {
        Map<Long, double[]> stats = new TreeMap<>();
        Map<Long, List<Histogram.Part>> parts = new TreeMap<>();
        try (Statement statement = views.connection().createStatement(); ResultSet rows = statement.executeQuery(sql)) {
            while (rows.next()) {
                long b = rows.getLong(1);
                double[] s = stats.computeIfAbsent(b, k -> new double[] {0, Double.NaN, Double.NaN, 0});
                long finite = rows.getLong(4);
                if (finite > 0) {
                    s[0] += finite;
                    s[1] = Double.isNaN(s[1]) ? rows.getDouble(5) : Math.min(s[1], rows.getDouble(5));
                    s[2] = Double.isNaN(s[2]) ? rows.getDouble(6) : Math.max(s[2], rows.getDouble(6));
                    s[3] += rows.getDouble(7);
                }
                parts.computeIfAbsent(b, k -> new ArrayList<>())
                        .add(new Histogram.Part(rows.getString(2), rows.getBoolean(3), rows.getLong(8)));
            }
        }
        List<Histogram.Bin> bins = new ArrayList<>();
        for (long b = 0; b < binCount; b++) {
            double[] s = stats.get(b);
            bins.add(s == null || s[0] == 0
                    ? new Histogram.Bin(Double.NaN, Double.NaN, Double.NaN, 0, parts.getOrDefault(b, List.of()))
                    : new Histogram.Bin(s[1], s[2], s[3] / s[0], (long) s[0], parts.get(b)));
        }
        return new Histogram(total, false, bins, List.of());
    }

    private Histogram categorical(String source, String column) throws SQLException {
        Map<String, List<Histogram.Part>> parts = new LinkedHashMap<>();
        long total = 0;
        try (Statement statement = views.connection().createStatement();
                ResultSet rows = statement.executeQuery("SELECT coalesce(CAST(" + column + " AS VARCHAR), ''), origin, "
                        + "discarded, count(*) FROM " + source + " GROUP BY ALL")) {
            while (rows.next()) {
                parts.computeIfAbsent(rows.getString(1), k -> new ArrayList<>())
                        .add(new Histogram.Part(rows.getString(2), rows.getBoolean(3), rows.getLong(4)));
                total += rows.getLong(4);
            }
        }
        List<Histogram.Bar> bars = new ArrayList<>();
        parts.forEach((label, p) -> bars.add(new Histogram.Bar(label, p.stream().mapToLong(Histogram.Part::count).sum(), p)));
        bars.sort(Comparator.comparingLong(Histogram.Bar::count).reversed());
        return new Histogram(total, true, List.of(), bars);
    }

    private double[] range(String source, String x) throws SQLException {
        try (Statement statement = views.connection().createStatement();
                ResultSet rows = statement.executeQuery("SELECT min(" + x + "), max(" + x + ") FROM " + source
                        + " WHERE isfinite(" + x + ")")) {
            rows.next();
            return new double[] {rows.getDouble(1), rows.getDouble(2)};
        }
    }

    private long scalar(String sql) throws SQLException {
        try (Statement statement = views.connection().createStatement(); ResultSet rows = statement.executeQuery(sql)) {
            rows.next();
            return rows.getLong(1);
        }
    }

    /** A short text summary of {@code client}'s view: counts per split, label and tag, and loss quantiles. */
    public String overview(String client) {
        return views.locked(() -> {
            String source = views.source(client);
            StringBuilder out = new StringBuilder();
            appendGroups(out, "split", "SELECT origin, count(*), count_if(discarded) FROM " + source + " GROUP BY 1 ORDER BY 1");
            appendGroups(out, "label", "SELECT label, count(*), count_if(discarded) FROM " + source + " GROUP BY 1 ORDER BY 1");
            List<String> tagColumns = SampleSchema.columns(views.connection()).keySet().stream()
                    .filter(SampleSchema::isTagColumn).toList();
            for (String tag : tagColumns) {
                out.append(String.format(Locale.ROOT, "%s: %d samples%n", tag,
                        scalar("SELECT count_if(" + quote(tag) + ") FROM " + source)));
            }
            try (Statement statement = views.connection().createStatement();
                    ResultSet rows = statement.executeQuery("SELECT count(loss), quantile_cont(loss, [0.1, 0.5, 0.9, 0.99]) FROM "
                            + source)) {
                rows.next();
                out.append("loss (").append(rows.getLong(1)).append(" samples seen): p10/p50/p90/p99 = ")
                        .append(rows.getString(2)).append('\n');
            }
            return out.toString();
        });
    }

    private void appendGroups(StringBuilder out, String what, String sql) throws SQLException {
        try (Statement statement = views.connection().createStatement(); ResultSet rows = statement.executeQuery(sql)) {
            while (rows.next()) {
                out.append(String.format(Locale.ROOT, "%s %s: %d samples (%d discarded)%n", what, rows.getString(1),
                        rows.getLong(2), rows.getLong(3)));
            }
        }
    }

    /**
     * Every recorded loss of one sample, in step order (the latest second may still be in
     * flight). A step trained more than once (after a restore, or a resume after a crash) counts
     * in its latest pass only, so a sample it no longer drew has no point there; a sample of another
     * split keeps its latest evaluation at each step.
     *
     * @param trainedOrigin the split the loop trains on
     */
    public SampleHistory history(SampleKey key, String trainedOrigin, int maxPoints) {
        boolean trained = key.origin().equals(trainedOrigin);
        String sql = "WITH mine AS (SELECT h.step, h.loss, h.prediction, h.batch_no FROM sample_history h "
                + "JOIN samples s ON s.row_key = h.row_key WHERE s.origin = ? AND s.sample_id = ?) "
                + (trained
                        ? ", latest AS (SELECT h.step, max(h.batch_no) AS batch_no FROM sample_history h JOIN samples s "
                                + "ON s.row_key = h.row_key WHERE s.origin = ? AND h.step IN (SELECT step FROM mine) "
                                + "GROUP BY h.step) SELECT m.step, m.loss, m.prediction FROM mine m JOIN latest l "
                                + "ON l.step = m.step AND l.batch_no = m.batch_no ORDER BY m.step"
                        : "SELECT step, loss, prediction FROM mine "
                                + "QUALIFY row_number() OVER (PARTITION BY step ORDER BY batch_no DESC) = 1 ORDER BY step");
        return views.locked(() -> {
            List<long[]> steps = new ArrayList<>();
            List<float[]> values = new ArrayList<>();
            try (PreparedStatement statement = views.connection().prepareStatement(sql)) {
                statement.setString(1, key.origin());
                statement.setLong(2, key.sampleId());
                if (trained) {
                    statement.setString(3, trainedOrigin);
                }
                try (ResultSet rows = statement.executeQuery()) {
                    while (rows.next()) {
                        steps.add(new long[] {rows.getLong(1), rows.getInt(3)});
                        values.add(new float[] {rows.getFloat(2)});
                    }
                }
            }
            int n = steps.size();
            int keep = maxPoints <= 0 ? Math.min(n, 1000) : Math.min(n, Math.max(2, maxPoints));
            long[] s = new long[keep];
            float[] l = new float[keep];
            int[] p = new int[keep];
            for (int i = 0; i < keep; i++) {
                int from = keep == 1 ? 0 : (int) Math.round((double) i * (n - 1) / (keep - 1));
                s[i] = steps.get(from)[0];
                p[i] = (int) steps.get(from)[1];
                l[i] = values.get(from)[0];
            }
            return new SampleHistory(s, l, p);
        });
    }

    /**
     * For each tag, the mean training loss per step of the samples of {@code trainedOrigin} that
     * carry it now, from each step's latest pass (a step trained twice counts its last batch).
     *
     * @throws IllegalArgumentException naming a tag the table does not have
     */
    public List<TagCurve> tagCurves(String trainedOrigin, List<String> tags, long fromStep, long toStep) {
        return views.locked(() -> {
            var columns = SampleSchema.columns(views.connection());
            List<TagCurve> curves = new ArrayList<>();
            for (String name : tags) {
                String tag = SampleSchema.tagName(name);
                String column = SampleSchema.TAG_PREFIX + tag;
                if (!columns.containsKey(column)) {
                    throw new IllegalArgumentException("no tag '" + tag + "'");
                }
                List<long[]> rowsOut = new ArrayList<>();
                List<Float> means = new ArrayList<>();
                try (PreparedStatement statement = views.connection().prepareStatement(
                        "WITH latest AS (SELECT h.step, max(h.batch_no) AS batch_no FROM sample_history h JOIN samples s "
                                + "ON s.row_key = h.row_key WHERE s.origin = ? AND h.step BETWEEN ? AND ? GROUP BY h.step) "
                                + "SELECT h.step, avg(h.loss), count(*) FROM sample_history h JOIN samples s ON s.row_key = h.row_key "
                                + "JOIN latest l ON l.step = h.step AND l.batch_no = h.batch_no "
                                + "WHERE s." + quote(column) + " GROUP BY h.step ORDER BY h.step")) {
                    statement.setString(1, trainedOrigin);
                    statement.setLong(2, fromStep);
                    statement.setLong(3, toStep);
                    try (ResultSet rows = statement.executeQuery()) {
                        while (rows.next()) {
                            rowsOut.add(new long[] {rows.getLong(1), rows.getLong(3)});
                            means.add(rows.getFloat(2));
                        }
                    }
                }
                long[] steps = new long[rowsOut.size()];
                float[] mean = new float[rowsOut.size()];
                int[] counts = new int[rowsOut.size()];
                for (int i = 0; i < steps.length; i++) {
                    steps[i] = rowsOut.get(i)[0];
                    counts[i] = (int) rowsOut.get(i)[1];
                    mean[i] = means.get(i);
                }
                curves.add(new TagCurve(tag, steps, mean, counts));
            }
            return curves;
        });
    }
}
