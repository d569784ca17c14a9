package io.trainscope.core.signals;

/** The bounds and size of one stored curve (a metric of one run) before any reduction: what a chart needs to lay out its axes. */
public record CurveSummary(String metric, String runHash, long firstStep, long lastStep, long pointCount,
        double valueMin, double valueMax) {}
