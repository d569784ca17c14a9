package io.trainscope.server.experiment;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.trainscope.core.signals.CurveSummary;
import io.trainscope.core.signals.HistoryQuery;
import io.trainscope.core.signals.SignalFlag;
import io.trainscope.core.signals.SignalHistory;
import io.trainscope.core.signals.SignalPoint;
import io.trainscope.core.signals.SignalStore;
import io.trainscope.core.signals.StepRange;
import io.trainscope.proto.weightslab.GetLatestLoggerDataRequest;
import io.trainscope.proto.weightslab.GetLatestLoggerDataResponse;
import io.trainscope.proto.weightslab.LoggerDataPoint;
import io.trainscope.proto.weightslab.SignalCurveIndex;
import java.util.concurrent.Semaphore;

/**
 * {@code GetLatestLoggerData} over the run's {@link SignalStore}: what is new since this
 * client's last poll, or every curve reduced to {@code max_points}. At most three calls run at
 * once; a fourth is refused at once with RESOURCE_EXHAUSTED (it never waits).
 */
final class LoggerData {

    static final String VERSION = "trainscope-0.1.0";
    private static final int CONCURRENT_CALLS = 3;
    /** Points one incremental poll returns at most; the rest come with the next poll. */
    private static final int INCREMENTAL_LIMIT = 200_000;

    private final SignalStore signals;
    private final Semaphore slots = new Semaphore(CONCURRENT_CALLS);

    LoggerData(SignalStore signals) {
        this.signals = signals;
    }

    GetLatestLoggerDataResponse answer(GetLatestLoggerDataRequest request, String clientId) {
        if (!slots.tryAcquire()) {
            throw Status.RESOURCE_EXHAUSTED.withDescription("GetLatestLoggerData: " + CONCURRENT_CALLS
                    + " calls are already running; try again shortly").asRuntimeException();
        }
        try {
            return request.getRequestFullHistory() ? history(request) : incremental(clientId);
        } finally {
            slots.release();
        }
    }

    private GetLatestLoggerDataResponse incremental(String clientId) {
        GetLatestLoggerDataResponse.Builder reply = GetLatestLoggerDataResponse.newBuilder().setWeightslabVersion(VERSION);
        for (SignalPoint p : signals.readNew(clientId, INCREMENTAL_LIMIT)) {
            reply.addPoints(point(p));
        }
        return reply.build();
    }

    private GetLatestLoggerDataResponse history(GetLatestLoggerDataRequest request) {
        if (request.getMaxPoints() < 0) {
            throw invalid("max_points must not be negative (0 means " + HistoryQuery.DEFAULT_MAX_POINTS + "), got "
                    + request.getMaxPoints());
        }
        HistoryQuery query = HistoryQuery.all()
                .withMaxPoints(request.getMaxPoints())
                .withMetrics(request.getMetricNamesList())
                .withRunHashes(request.getExperimentHashesList())
                .withIndexOnly(request.getIndexOnly());
        if (request.getHasXRange()) {
            if (request.getXMin() > request.getXMax()) {
                throw invalid("x_min must not be greater than x_max, got " + request.getXMin() + " > " + request.getXMax());
            }
            query = query.withRange(new StepRange(request.getXMin(), request.getXMax()));
        }
        SignalHistory history = signals.history(query);
        GetLatestLoggerDataResponse.Builder reply = GetLatestLoggerDataResponse.newBuilder()
                .setWeightslabVersion(VERSION)
                .setAppliedMaxPoints(history.appliedMaxPoints());
        for (CurveSummary c : history.curves()) {
            reply.addCurves(SignalCurveIndex.newBuilder().setMetricName(c.metric()).setExperimentHash(c.runHash())
                    .setFirstStep(c.firstStep()).setLastStep(c.lastStep()).setPointCount(c.pointCount())
                    .setValueMin(c.valueMin()).setValueMax(c.valueMax()));
        }
        for (SignalPoint p : history.points()) {
            reply.addPoints(point(p));
        }
        return reply.build();
    }

    static LoggerDataPoint point(SignalPoint p) {
        return LoggerDataPoint.newBuilder()
                .setMetricName(p.metric())
                .setModelAge((int) Math.min(Integer.MAX_VALUE, p.step()))
                .setMetricValue(p.value())
                .setExperimentHash(p.runHash())
                .setTimestamp(p.timestampSeconds())
                .setIsEvaluationMarker(p.isEvaluationMarker())
                .setSplitName(p.split())
                .addAllEvaluationTags(p.tags())
                .setPointNote(p.note())
                .setAuditMode(p.flags().contains(SignalFlag.AUDIT_MODE))
                .build();
    }

    private static StatusRuntimeException invalid(String message) {
        return Status.INVALID_ARGUMENT.withDescription(message).asRuntimeException();
    }

}
