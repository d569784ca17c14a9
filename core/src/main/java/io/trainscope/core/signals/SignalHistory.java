package io.trainscope.core.signals;

import java.util.List;

/**
 * The answer to a {@link HistoryQuery}: a summary of every selected curve, and their reduced points
 * grouped by metric (in name order) and, within a metric, sorted by run hash and step.
 * {@code appliedMaxPoints} is the requested target echoed back ({@code 1000} for {@code 0}, before the floor of 3).
 */
public record SignalHistory(List<CurveSummary> curves, List<SignalPoint> points, int appliedMaxPoints) {

    public SignalHistory {
        curves = List.copyOf(curves);
        points = List.copyOf(points);
    }
}
