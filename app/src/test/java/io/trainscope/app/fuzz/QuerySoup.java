package io.trainscope.app.fuzz;

import com.google.common.util.concurrent.ListenableFuture;
import io.grpc.Channel;
import io.grpc.Metadata;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import io.trainscope.app.fuzz.property.Gen;
import io.trainscope.app.fuzz.property.Shrinker;
import io.trainscope.proto.weightslab.DataQueryRequest;
import io.trainscope.proto.weightslab.ExperimentServiceGrpc;
import io.trainscope.proto.weightslab.HistogramRequest;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Random token soup for the query language, sent as an ApplyDataQuery query and as a GetHistogram
 * column by one of eight clients. It shrinks token by token, so a failure comes back as the
 * shortest query that still fails.
 */
final class QuerySoup {

    /** One query: its tokens (joined by spaces), the histogram's bin count, and which of eight clients sends it. */
    record Query(List<String> tokens, int maxBins, int client) {
        String text() {
            return String.join(" ", tokens);
        }

        Query withTokens(List<String> other) {
            return new Query(other, maxBins, client);
        }

        @Override
        public String toString() {
            return "\"" + text() + "\" (" + tokens.size() + " tokens, max_bins " + maxBins + ", client soup-" + client + ")";
        }
    }

    private static final Metadata.Key<String> CLIENT_ID = Metadata.Key.of("x-trainscope-client-id",
            Metadata.ASCII_STRING_MARSHALLER);
    private static final Gen<String> TOKEN = Gen.frequency(Gen.weighted(8, Gen.of(OddValues.QUERY_TOKENS)),
            Gen.weighted(1, Gen.strings(6)), Gen.weighted(1, Gen.doubles().map(d -> Double.toString(d))));
    private static final Gen<List<String>> TOKENS = Gen.lists(TOKEN, 12);

    private QuerySoup() {}

    static Gen<Query> queries() {
        return random -> new Query(TOKENS.next(random), random.nextInt(32) - 4, random.nextInt(8));
    }

    /** Halves the tokens, then drops one token at a time. */
    static Shrinker<Query> shrinker() {
        return Shrinker.<String>elements().onto(Query::tokens, Query::withTokens);
    }

    /**
     * Sends the query as a query and as a histogram column; completes with what went wrong (a
     * non-OK status, a refusal without a message, counts beyond the table), or null.
     */
    static CompletableFuture<String> check(Channel channel, Query query, int tableSize) {
        Metadata headers = new Metadata();
        headers.put(CLIENT_ID, "soup-" + query.client());
        var stub = ExperimentServiceGrpc.newFutureStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS)
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
        CompletableFuture<String> applied = problem(stub.applyDataQuery(DataQueryRequest.newBuilder()
                .setQuery(query.text()).build()), "as a query",
                r -> !r.getSuccess() && r.getMessage().isBlank() ? "refused without a message"
                        : r.getNumberOfAllSamples() < 0 || r.getNumberOfAllSamples() > tableSize
                                ? "counts " + r.getNumberOfAllSamples() + " samples of " + tableSize : null);
        CompletableFuture<String> histogram = problem(stub.getHistogram(HistogramRequest.newBuilder()
                .setColumn(query.text()).setMaxBins(query.maxBins()).build()), "as a histogram column",
                r -> !r.getSuccess() && r.getMessage().isBlank() ? "refused without a message" : null);
        return applied.thenCombine(histogram, (a, h) -> a == null ? h : h == null ? a : a + "; " + h);
    }

    private static <T> CompletableFuture<String> problem(ListenableFuture<T> call, String as, Function<T, String> problem) {
        CompletableFuture<String> out = new CompletableFuture<>();
        call.addListener(() -> {
            try {
                String found = problem.apply(call.get());
                out.complete(found == null ? null : as + ": " + found);
            } catch (ExecutionException e) {
                out.complete(as + ": " + (e.getCause() instanceof StatusRuntimeException s ? s.getStatus() : e.getCause()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                out.complete(as + ": interrupted");
            }
        }, Runnable::run);
        return out;
    }
}
