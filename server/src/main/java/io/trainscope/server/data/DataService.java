package io.trainscope.server.data;

import io.grpc.Status;
import io.trainscope.core.Experiment;
import io.trainscope.core.samples.SampleAnalysis;
import io.trainscope.proto.weightslab.BatchSampleRequest;
import io.trainscope.proto.weightslab.BatchSampleResponse;
import io.trainscope.proto.weightslab.DataEditsRequest;
import io.trainscope.proto.weightslab.DataEditsResponse;
import io.trainscope.proto.weightslab.DataQueryRequest;
import io.trainscope.proto.weightslab.DataQueryResponse;
import io.trainscope.proto.weightslab.DataSamplesRequest;
import io.trainscope.proto.weightslab.DataSamplesResponse;
import io.trainscope.proto.weightslab.DataSplitsResponse;
import io.trainscope.proto.weightslab.GetLatestLoggerDataRequest;
import io.trainscope.proto.weightslab.GetLatestLoggerDataResponse;
import io.trainscope.proto.weightslab.GetMetaDataRequest;
import io.trainscope.proto.weightslab.GetMetaDataResponse;
import io.trainscope.proto.weightslab.HistogramRequest;
import io.trainscope.proto.weightslab.HistogramResponse;
import io.trainscope.proto.weightslab.LoggerDataPoint;
import io.trainscope.server.limits.OneAtATime;
import io.trainscope.server.limits.RpcLimits;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The data plane of WeightsLab's {@code ExperimentService} over one run's sample table:
 * queries, pages, histograms, edits, images and per-tag curves. Every method blocks briefly on
 * DuckDB, so callers run it off the event loops. Queries run one at a time, and so do edits
 * (seed 000's locks): a second waits for its turn up to the lock timeout, then gets ABORTED.
 */
public final class DataService {

    private final Experiment experiment;
    private final DataQueries queries;
    private final DataRecords records;
    private final DataEdits edits;
    private final OneAtATime queryTurns;
    /** Edits are also applied in order by the sample writer; this keeps each edit and its audit line together. */
    private final OneAtATime editTurns;

    public DataService(Experiment experiment, SampleImages images, Optional<LanguageModelQueries> languageModel,
            RpcLimits limits) {
        this.experiment = experiment;
        this.queryTurns = new OneAtATime("ApplyDataQuery", limits.turnWait());
        this.editTurns = new OneAtATime("EditDataSample", limits.turnWait());
        this.queries = new DataQueries(experiment.samples(), languageModel);
        this.records = new DataRecords(experiment.samples(), images);
        this.edits = new DataEdits(experiment);
    }

    public DataQueryResponse applyDataQuery(String client, DataQueryRequest request) {
        return queryTurns.run(() -> queries.apply(client, request));
    }

    public DataSamplesResponse getDataSamples(String client, DataSamplesRequest request) {
        return records.dataSamples(client, request);
    }

    public GetMetaDataResponse getMetaData(String client, GetMetaDataRequest request) {
        return records.metaData(client, request);
    }

    public BatchSampleResponse getSamples(BatchSampleRequest request) {
        return records.batchSamples(request);
    }

    public HistogramResponse getHistogram(String client, HistogramRequest request, boolean byRowOrder) {
        return queries.histogram(client, request, byRowOrder);
    }

    public DataSplitsResponse getDataSplits(String client) {
        return queries.splits(client);
    }

    public DataEditsResponse editDataSample(DataEditsRequest request, String caller) {
        return editTurns.run(() -> edits.edit(request, caller));
    }

    /**
     * {@code break_by_slices}: for each tag, the mean per-sample training loss at each step over
     * the samples that carry the tag now; one curve per tag, named {@code <graph_name>/tag:<tag>}.
     *
     * @throws io.grpc.StatusRuntimeException INVALID_ARGUMENT for no tags, an unknown tag, or a
     *     signal that is not recorded per sample
     */
    public GetLatestLoggerDataResponse tagCurves(GetLatestLoggerDataRequest request) {
        String graph = request.getGraphName().isBlank() ? "train/loss" : request.getGraphName().strip();
        if (!graph.toLowerCase(Locale.ROOT).contains("loss")) {
            throw Status.INVALID_ARGUMENT.withDescription("Per-tag curves exist for the per-sample training loss only;"
                    + " set graph_name to train/loss").asRuntimeException();
        }
        if (request.getTagsCount() == 0) {
            throw Status.INVALID_ARGUMENT.withDescription("break_by_slices needs at least one tag in tags")
                    .asRuntimeException();
        }
        if (request.getExperimentHashesCount() > 0 && !request.getExperimentHashesList().contains(experiment.runHash())) {
            return GetLatestLoggerDataResponse.getDefaultInstance();
        }
        long from = request.getHasXRange() ? request.getXMin() : Long.MIN_VALUE;
        long to = request.getHasXRange() ? request.getXMax() : Long.MAX_VALUE;
        List<SampleAnalysis.TagCurve> curves;
        try {
            experiment.samples().flush().join();
            curves = experiment.samples().analysis().tagCurves(SampleSignalRpcs.TRAIN, request.getTagsList(), from, to);
        } catch (IllegalArgumentException e) {
            throw Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException();
        }
        int maxPoints = request.getMaxPoints() <= 0 ? 1000 : Math.max(3, request.getMaxPoints());
        long now = System.currentTimeMillis() / 1000;
        GetLatestLoggerDataResponse.Builder reply = GetLatestLoggerDataResponse.newBuilder().setAppliedMaxPoints(maxPoints);
        for (SampleAnalysis.TagCurve curve : curves) {
            int n = curve.steps().length;
            int keep = Math.min(n, maxPoints);
            for (int i = 0; i < keep; i++) {
                int at = keep == 1 ? 0 : (int) Math.round((double) i * (n - 1) / (keep - 1));
                reply.addPoints(LoggerDataPoint.newBuilder().setMetricName(graph + "/tag:" + curve.tag())
                        .setModelAge((int) curve.steps()[at]).setMetricValue(curve.meanLosses()[at])
                        .setExperimentHash(experiment.runHash()).setTimestamp(now).setSampleCount(curve.counts()[at]));
            }
        }
        return reply.build();
    }
}
