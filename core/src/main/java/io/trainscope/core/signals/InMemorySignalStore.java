package io.trainscope.core.signals;

import static java.util.Objects.requireNonNull;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A {@link SignalStore} in primitive columns per curve (about 25 bytes a point): appends are O(1)
 * amortised and serialized by a lock that only writers take; readers take no lock, so a chart
 * being reduced never holds up the training thread.
 */
public final class InMemorySignalStore implements SignalStore {

    /** Cursors of clients that have not polled for this long are forgotten. */
    public static final Duration CURSOR_IDLE_TIMEOUT = Duration.ofMinutes(10);

    private static final Comparator<Curve> BY_METRIC_THEN_RUN =
            Comparator.<Curve, String>comparing(c -> c.metric).thenComparing(c -> c.runHash);

    private final Clock clock;
    private final Object appendLock = new Object();
    private final Map<String, Map<String, Curve>> curvesByMetric = new ConcurrentHashMap<>();
    private volatile Curve[] curves = new Curve[0];
    private final AppendLog log = new AppendLog();
    private final ClientCursors cursors;

    public InMemorySignalStore() {
        this(Clock.systemUTC());
    }

    /** A store that stamps points and measures client idleness with {@code clock}. */
    public InMemorySignalStore(Clock clock) {
        this.clock = requireNonNull(clock, "clock");
        this.cursors = new ClientCursors(clock, CURSOR_IDLE_TIMEOUT);
    }

    @Override
    public void append(String metric, String runHash, long step, float value) {
        append(metric, runHash, step, value, clock.millis() / 1000);
    }

    @Override
    public void append(String metric, String runHash, long step, float value, long timestampSeconds) {
        requireNonNull(metric, "metric");
        requireNonNull(runHash, "runHash");
        SignalPoint.checkStep(step);
        SignalPoint.checkTimestamp(timestampSeconds);
        int seconds = (int) timestampSeconds;
        synchronized (appendLock) {
            Curve curve = curveFor(metric, runHash);
            log.append(curve.id, curve.append(step, value, seconds, (byte) 0, null));
        }
    }

    @Override
    public void append(SignalPoint point) {
        requireNonNull(point, "point");
        byte flags = SignalFlag.toBits(point.flags());
        Curve.Evaluation evaluation = point.split().isEmpty() && point.tags().isEmpty()
                ? null : new Curve.Evaluation(point.split(), point.tags());
        synchronized (appendLock) {
            Curve curve = curveFor(point.metric(), point.runHash());
            if (point.hasNote()) {
                curve.setNote(point.step(), point.note());
            }
            int index = curve.append(point.step(), point.value(), (int) point.timestampSeconds(), flags, evaluation);
            log.append(curve.id, index);
        }
    }

    @Override
    public List<SignalPoint> readNew(String clientId, int limit) {
        requireNonNull(clientId, "clientId");
        checkLimit(limit);
        return cursors.read(clientId, limit, this::pointsAfter);
    }

    /**
     * Up to {@code limit} points with a sequence number greater than {@code after}, in append order;
     * the first point appended has sequence number 1. For mirrors of the store, such as its archive.
     */
    public List<SignalPoint> pointsAfter(long after, int limit) {
        if (after < 0) {
            throw new IllegalArgumentException("after must not be negative: " + after);
        }
        checkLimit(limit);
        int end = log.size();
        long[] entries = log.entries();
        Curve[] byId = curves;
        int from = (int) Math.min(after, end);
        int to = (int) Math.min(end, from + (long) limit);
        List<SignalPoint> points = new ArrayList<>(to - from);
        CurveView[] views = new CurveView[byId.length];
        for (int s = from; s < to; s++) {
            int id = AppendLog.curveId(entries[s]);
            if (views[id] == null) {
                views[id] = byId[id].view();
            }
            points.add(views[id].point(AppendLog.index(entries[s])));
        }
        return points;
    }

    @Override
    public SignalHistory history(HistoryQuery query) {
        requireNonNull(query, "query");
        Curve[] selected = Arrays.stream(curves)
                .filter(c -> query.selects(c.metric, c.runHash))
                .sorted(BY_METRIC_THEN_RUN)
                .toArray(Curve[]::new);
        List<CurveSummary> summaries = new ArrayList<>(selected.length);
        List<SignalPoint> points = new ArrayList<>();
        for (Curve curve : selected) {
            CurveView view = curve.view();
            if (view.size() == 0) {
                continue;
            }
            summaries.add(view.summary());
            if (!query.indexOnly()) {
                points.addAll(view.reduce(query.range(), query.targetPoints()));
            }
        }
        return new SignalHistory(summaries, points, query.requestedMaxPoints());
    }

    @Override
    public void setNote(String metric, String runHash, long step, String note) {
        SignalPoint.checkName(metric, "metric");
        SignalPoint.checkName(runHash, "runHash");
        requireNonNull(note, "note");
        Map<String, Curve> byRun = curvesByMetric.get(metric);
        Curve curve = byRun == null ? null : byRun.get(runHash);
        if (curve == null || !curve.view().containsStep(step)) {
            throw new SignalPointNotFoundException(metric, runHash, step);
        }
        curve.setNote(step, note);
    }

    @Override
    public long size() {
        return log.size();
    }

    /** How many clients have a cursor. */
    public int clientCount() {
        return cursors.count();
    }

    private Curve curveFor(String metric, String runHash) {
        Map<String, Curve> byRun = curvesByMetric.get(metric);
        Curve curve = byRun == null ? null : byRun.get(runHash);
        if (curve == null) {
            SignalPoint.checkName(metric, "metric");
            SignalPoint.checkName(runHash, "runHash");
            Curve[] known = curves;
            curve = new Curve(known.length, metric, runHash);
            Curve[] more = Arrays.copyOf(known, known.length + 1);
            more[known.length] = curve;
            curves = more;
            curvesByMetric.computeIfAbsent(metric, m -> new ConcurrentHashMap<>()).put(runHash, curve);
        }
        return curve;
    }

    private static void checkLimit(int limit) {
        if (limit <= 0) {
            throw new IllegalArgumentException("limit must be positive: " + limit);
        }
    }
}
