package io.trainscope.core.samples.query;

/** A query that cannot be parsed or compiled; the message says what is wrong and where, for the person who typed it. */
public final class QueryException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public QueryException(String message) {
        super(message);
    }
}
