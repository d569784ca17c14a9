package io.trainscope.core.signals;

import java.util.List;

/**
 * The signals of an experiment (loss, accuracy, learning rate, time per step, any user signal):
 * appended by the training loop, read back as a reduced history of every curve or as what is new
 * since a client's previous poll, and annotated with notes. In memory now
 * ({@link InMemorySignalStore}, kept in DuckDB by {@link DuckDbSignalStore}); a server database later.
 *
 * <pre>{@code
 * long now = System.currentTimeMillis() / 1000;                         // training thread, once a step
 * store.append("train/loss", runHash, step, loss, now);                // O(1)
 * List<SignalPoint> fresh = store.readNew("dashboard-7", 10_000);     // a polling client
 * SignalHistory chart = store.history(HistoryQuery.all().withMaxPoints(1000));
 * }</pre>
 */
public interface SignalStore {

    /** Appends a plain value logged now. O(1), and never waits for readers. */
    void append(String metric, String runHash, long step, float value);

    /**
     * Appends a plain value logged at {@code timestampSeconds} (Unix seconds): the training loop's
     * call when it stamps all the values of a step with one reading of the clock.
     */
    void append(String metric, String runHash, long step, float value, long timestampSeconds);

    /** Appends a point as given: its timestamp, flags, evaluation split and tags, and note. */
    void append(SignalPoint point);

    /**
     * Up to {@code limit} points appended since this client's previous call, in append order. A
     * client not seen before (or idle for more than ten minutes) starts from the first point.
     */
    List<SignalPoint> readNew(String clientId, int limit);

    /** The selected curves' summaries and, unless {@link HistoryQuery#indexOnly()}, their reduced points. */
    SignalHistory history(HistoryQuery query);

    /**
     * Attaches {@code note} to the points of one curve at {@code step}, replacing any earlier note;
     * a blank note clears it.
     *
     * @throws SignalPointNotFoundException if the curve has no point at that step
     */
    void setNote(String metric, String runHash, long step, String note);

    /** How many points have been appended in all. */
    long size();
}
