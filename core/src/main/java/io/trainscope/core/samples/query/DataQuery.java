package io.trainscope.core.samples.query;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Optional;

/**
 * A parsed direct query on the sample table, as the WeightsLab quick-filter bar sends it:
 * an optional filter, then optionally {@code sortby} and sort keys with scope tokens. The text
 * is parsed, never run; {@link SqlCompiler} turns the parts into parameterised SQL.
 *
 * <pre>{@code
 * DataQuery query = DataQuery.parse("loss > 2 and label == 3 sortby loss desc");
 * SqlFragment where = SqlCompiler.where(query.filter().orElseThrow(), columns);
 * String orderBy = SqlCompiler.orderBy(query.sort(), columns);
 * }</pre>
 *
 * @param filter which samples to keep; empty for a sort-only (or blank) query
 * @param sort the sort keys in order; empty when there is no {@code sortby}
 * @param scope which rows the sort reorders; {@link SortScope#SUBSET} unless a scope token says otherwise
 * @param slice the rows a {@code scope:view} sort reorders; present exactly when the scope is {@link SortScope#VIEW}
 */
public record DataQuery(Optional<Expression> filter, List<SortKey> sort, SortScope scope, Optional<ViewSlice> slice) {

    /** Longest query text accepted, in characters. */
    public static final int MAX_LENGTH = 4_000;
    /** Deepest nesting of parentheses and {@code not} accepted. */
    public static final int MAX_DEPTH = 32;
    /** Most values accepted in one {@code in [...]} list. */
    public static final int MAX_LIST_ITEMS = 256;
    /** Most sort keys accepted. */
    public static final int MAX_SORT_KEYS = 8;

    public DataQuery {
        requireNonNull(filter, "filter");
        sort = List.copyOf(requireNonNull(sort, "sort"));
        requireNonNull(scope, "scope");
        requireNonNull(slice, "slice");
        if (slice.isPresent() != (scope == SortScope.VIEW)) {
            throw new IllegalArgumentException("a slice goes with scope VIEW and only with it: " + scope + ", " + slice);
        }
    }

    /**
     * Parses a query; a blank text gives a query with neither filter nor sort.
     *
     * @throws QueryException naming the position and the problem, for anything outside the language or its limits
     */
    public static DataQuery parse(String text) {
        requireNonNull(text, "text");
        if (text.length() > MAX_LENGTH) {
            throw new QueryException("the query is " + text.length() + " characters long; the limit is " + MAX_LENGTH);
        }
        List<Token> tokens = Tokenizer.tokenize(text);
        Optional<Expression> filter = FilterParser.parse(tokens);
        Token last = tokens.get(tokens.size() - 1);
        if (last.kind() != Token.Kind.SORTBY) {
            return new DataQuery(filter, List.of(), SortScope.SUBSET, Optional.empty());
        }
        SortSpec spec = SortSpec.parse(text, last.offset() + last.text().length());
        return new DataQuery(filter, spec.keys(), spec.scope(), spec.slice());
    }

    /** True when the query neither filters nor sorts. */
    public boolean isEmpty() {
        return filter.isEmpty() && sort.isEmpty();
    }
}
