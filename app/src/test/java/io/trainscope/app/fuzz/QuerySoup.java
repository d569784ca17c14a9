package io.trainscope.app.fuzz;

import io.grpc.Channel;
import io.grpc.Metadata;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import io.trainscope.proto.weightslab.DataQueryRequest;
import io.trainscope.proto.weightslab.DataQueryResponse;
import io.trainscope.proto.weightslab.ExperimentServiceGrpc;
import io.trainscope.proto.weightslab.HistogramRequest;
import io.trainscope.proto.weightslab.HistogramResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Tuple;

/**
 * Random token soup for the query language (shrinkable, so a failure comes back as the shortest
 * query that fails), sent as ApplyDataQuery queries and as GetHistogram columns.
 */
final class QuerySoup {

    private static final Metadata.Key<String> CLIENT_ID = Metadata.Key.of("x-trainscope-client-id",
            Metadata.ASCII_STRING_MARSHALLER);

    private QuerySoup() {}

    static Arbitrary<String> queries() {
        Arbitrary<String> token = Arbitraries.frequencyOf(
                Tuple.of(8, Arbitraries.of(OddValues.QUERY_TOKENS)),
                Tuple.of(1, Arbitraries.strings().ofMaxLength(6)),
                Tuple.of(1, Arbitraries.doubles().map(d -> Double.toString(d))));
        return token.list().ofMaxSize(12).map(tokens -> String.join(" ", tokens));
    }

    /**
     * Sends every query (and each as a histogram column) at once, as eight different clients;
     * returns what went wrong: a non-OK status, a refusal without a message, counts beyond the table.
     */
    static List<String> send(Channel channel, List<String> queries, int tableSize) throws Exception {
        List<CompletableFuture<String>> problems = new ArrayList<>();
        for (int i = 0; i < queries.size(); i++) {
            String query = queries.get(i);
            var stub = ExperimentServiceGrpc.newFutureStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS)
                    .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(client("soup-" + (i % 8))));
            problems.add(check(stub.applyDataQuery(DataQueryRequest.newBuilder().setQuery(query).build()), query,
                    r -> !r.getSuccess() && r.getMessage().isBlank() ? "refused without a message"
                            : r.getNumberOfAllSamples() < 0 || r.getNumberOfAllSamples() > tableSize
                                    ? "counts " + r.getNumberOfAllSamples() + " samples of " + tableSize : null));
            problems.add(check(stub.getHistogram(HistogramRequest.newBuilder().setColumn(query).setMaxBins(i - 4).build()),
                    "column " + query, (HistogramResponse r) -> !r.getSuccess() && r.getMessage().isBlank()
                            ? "refused without a message" : null));
        }
        CompletableFuture.allOf(problems.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        return problems.stream().map(CompletableFuture::join).filter(p -> p != null).toList();
    }

    private static <T> CompletableFuture<String> check(com.google.common.util.concurrent.ListenableFuture<T> call,
            String input, java.util.function.Function<T, String> problem) {
        CompletableFuture<String> out = new CompletableFuture<>();
        call.addListener(() -> {
            try {
                String found = problem.apply(call.get());
                out.complete(found == null ? null : input + ": " + found);
            } catch (java.util.concurrent.ExecutionException e) {
                out.complete(input + ": " + (e.getCause() instanceof StatusRuntimeException s ? s.getStatus() : e.getCause()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                out.complete(input + ": interrupted");
            }
        }, Runnable::run);
        return out;
    }

    private static Metadata client(String id) {
        Metadata headers = new Metadata();
        headers.put(CLIENT_ID, id);
        return headers;
    }
}
