package io.trainscope.core.samples.query;

/** One lexical unit of a filter: its kind, its text as typed, its value for literals and names, and its offset in the query. */
record Token(Token.Kind kind, String text, Object value, int offset) {

    enum Kind {
        /** A bare word: a column name or a keyword such as {@code and}, {@code in}, {@code True}. */
        WORD,
        /** A backticked column name; {@code value} is the name without backticks. */
        QUOTED_NAME,
        STRING,
        NUMBER,
        COMPARISON,
        LEFT_PAREN,
        RIGHT_PAREN,
        LEFT_BRACKET,
        RIGHT_BRACKET,
        COMMA,
        AMPERSAND,
        PIPE,
        TILDE,
        MINUS,
        PLUS,
        /** {@code *}, {@code /}, {@code %}, {@code **}, {@code //}: recognised only to be refused. */
        ARITHMETIC,
        /** The {@code sortby} separator; the text after it is the sort spec. */
        SORTBY,
        END
    }

    /** 1-based position, as messages show it. */
    int position() {
        return offset + 1;
    }

    boolean isWord(String keyword) {
        return kind == Kind.WORD && text.equalsIgnoreCase(keyword);
    }

    /** How a message quotes this token. */
    String describe() {
        return kind == Kind.END ? "the end of the filter" : "'" + text + "' at position " + position();
    }
}
