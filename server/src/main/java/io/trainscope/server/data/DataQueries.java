package io.trainscope.server.data;

import io.trainscope.core.samples.Histogram;
import io.trainscope.core.samples.SampleStore;
import io.trainscope.core.samples.ViewCounts;
import io.trainscope.core.samples.query.QueryException;
import io.trainscope.proto.weightslab.AgentIntentType;
import io.trainscope.proto.weightslab.CategoricalHistogramBar;
import io.trainscope.proto.weightslab.DataQueryRequest;
import io.trainscope.proto.weightslab.DataQueryResponse;
import io.trainscope.proto.weightslab.DataSplitsResponse;
import io.trainscope.proto.weightslab.HistogramBin;
import io.trainscope.proto.weightslab.HistogramRequest;
import io.trainscope.proto.weightslab.HistogramResponse;
import io.trainscope.proto.weightslab.HistogramSubBar;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * {@code ApplyDataQuery}, {@code GetDataSplits} and {@code GetHistogram} over a client's view.
 * Queries are parsed and compiled to parameterised SQL by the core; natural language goes
 * through a configured language model and comes back as a direct query, checked the same way.
 */
final class DataQueries {

    private final SampleStore samples;
    private final Optional<LanguageModelQueries> languageModel;

    DataQueries(SampleStore samples, Optional<LanguageModelQueries> languageModel) {
        this.samples = samples;
        this.languageModel = languageModel;
    }

    DataQueryResponse apply(String client, DataQueryRequest request) {
        String text = request.getQuery().strip();
        String command = text.toLowerCase(Locale.ROOT).replace(" ", "").replace("'''", "\"\"\"");
        if (text.isEmpty()) {
            ViewCounts counts = samples.views().counts(client);
            return answer(counts, "Current view has " + counts.all() + " samples", AgentIntentType.INTENT_UNKNOWN);
        }
        if (command.startsWith("@\"\"\"")) {
            return refused(client, "Running code on the server is not supported; write a query such as "
                    + "`loss > 2 and label == 3 sortby loss desc`.");
        }
        if (command.startsWith("@reset") || command.startsWith("@clear")) {
            return answer(samples.views().reset(client), "View has been reset successfully.", AgentIntentType.INTENT_UNKNOWN);
        }
        if (command.startsWith("@overview")) {
            return answer(samples.views().counts(client), "Overview of the view:\n" + samples.analysis().overview(client),
                    AgentIntentType.INTENT_ANALYSIS);
        }
        String direct = text;
        String prefix = "Applied query: ";
        if (request.getIsNaturalLanguage()) {
            if (languageModel.isEmpty()) {
                return refused(client, LanguageModelQueries.NOT_CONFIGURED);
            }
            try {
                direct = languageModel.get().translate(text, samples.views().columnNames());
            } catch (LanguageModelQueries.TranslationException e) {
                return refused(client, e.getMessage());
            }
            prefix = "Translated \"" + text + "\" to: ";
        }
        try {
            ViewCounts counts = samples.views().query(client, direct, request.getAccumulate());
            return answer(counts, prefix + direct, AgentIntentType.INTENT_FILTER);
        } catch (QueryException | IllegalArgumentException e) {
            return refused(client, "Query refused: " + e.getMessage() + ". The view is unchanged.");
        }
    }

    private DataQueryResponse answer(ViewCounts counts, String message, AgentIntentType intent) {
        return DataQueryResponse.newBuilder().setSuccess(true).setMessage(message)
                .setNumberOfAllSamples(Math.toIntExact(counts.all()))
                .setNumberOfDiscardedSamples(Math.toIntExact(counts.discarded()))
                .setNumberOfSamplesInTheLoop(Math.toIntExact(counts.inLoop()))
                .addAllUniqueTags(samples.views().tags()).setAgentIntentType(intent).build();
    }

    private DataQueryResponse refused(String client, String message) {
        return answer(samples.views().counts(client), message, AgentIntentType.INTENT_UNKNOWN).toBuilder()
                .setSuccess(false).build();
    }

    DataSplitsResponse splits(String client) {
        return DataSplitsResponse.newBuilder().setSuccess(true).addAllSplitNames(samples.views().splits(client)).build();
    }

    HistogramResponse histogram(String client, HistogramRequest request, boolean byRowOrder) {
        HistogramResponse.Builder reply = HistogramResponse.newBuilder();
        if (request.getColumn().isBlank()) {
            return reply.setSuccess(false).setMessage("Name a column to bin, e.g. loss; columns are "
                    + samples.views().columnNames()).build();
        }
        Histogram histogram;
        try {
            histogram = samples.analysis().histogram(client, request.getColumn().strip(), request.getMaxBins(), byRowOrder);
        } catch (IllegalArgumentException e) {
            return reply.setSuccess(false).setMessage(e.getMessage())
                    .setTotalRows(samples.views().counts(client).all()).build();
        }
        reply.setSuccess(true).setTotalRows(histogram.totalRows()).setIsCategorical(histogram.categorical());
        for (Histogram.Bin bin : histogram.bins()) {
            reply.addBins(HistogramBin.newBuilder().setMin(bin.min()).setMax(bin.max()).setAvg(bin.average())
                    .setCount(bin.count()).addAllSubBars(parts(bin.parts())));
        }
        for (Histogram.Bar bar : histogram.bars()) {
            reply.addCategoricalBars(CategoricalHistogramBar.newBuilder().setLabel(bar.label()).setCount(bar.count())
                    .addAllSubBars(parts(bar.parts())));
        }
        return reply.setMessage((histogram.categorical() ? histogram.bars().size() + " categories" : histogram.bins().size()
                + (byRowOrder ? " row-order bins" : " value bins")) + " over " + histogram.totalRows() + " rows").build();
    }

    private static List<HistogramSubBar> parts(List<Histogram.Part> parts) {
        return parts.stream().map(p -> HistogramSubBar.newBuilder().setOrigin(p.origin()).setDiscarded(p.discarded())
                .setCount(p.count()).build()).toList();
    }
}
