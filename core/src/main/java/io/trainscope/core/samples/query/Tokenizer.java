package io.trainscope.core.samples.query;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits the filter part of a query into tokens, stopping at the {@code sortby} keyword. Characters
 * that only make sense in SQL or Python code (semicolons, comments, {@code =}, {@code @}, {@code .})
 * are refused here with a message saying why.
 */
final class Tokenizer {

    private final String text;
    private final List<Token> tokens = new ArrayList<>();
    private int at;

    private Tokenizer(String text) {
        this.text = text;
    }

    /** The tokens up to and including a closing {@link Token.Kind#SORTBY} or {@link Token.Kind#END}. */
    static List<Token> tokenize(String text) {
        Tokenizer tokenizer = new Tokenizer(text);
        tokenizer.run();
        return tokenizer.tokens;
    }

    private void run() {
        while (true) {
            while (at < text.length() && Character.isWhitespace(text.charAt(at))) {
                at++;
            }
            if (at >= text.length()) {
                tokens.add(new Token(Token.Kind.END, "", null, at));
                return;
            }
            char c = text.charAt(at);
            if (isWordStart(c)) {
                Token word = word();
                if (word.isWord("sortby")) {
                    tokens.add(new Token(Token.Kind.SORTBY, word.text(), null, word.offset()));
                    return;
                }
                tokens.add(word);
            } else if (Character.isDigit(c) || (c == '.' && at + 1 < text.length() && Character.isDigit(text.charAt(at + 1)))) {
                tokens.add(number());
            } else if (c == '"' || c == '\'') {
                tokens.add(string(c));
            } else if (c == '`') {
                tokens.add(quotedName());
            } else {
                tokens.add(symbol(c));
            }
        }
    }

    private static boolean isWordStart(char c) {
        return Character.isLetter(c) || c == '_';
    }

    private static boolean isWordPart(char c) {
        return Character.isLetterOrDigit(c) || c == '_';
    }

    private Token word() {
        int start = at;
        while (at < text.length() && isWordPart(text.charAt(at))) {
            at++;
        }
        String word = text.substring(start, at);
        return new Token(Token.Kind.WORD, word, word, start);
    }

    private Token number() {
        int start = at;
        skipDigits();
        if (peek(0) == '.') {
            at++;
            skipDigits();
        }
        if ((peek(0) == 'e' || peek(0) == 'E')
                && (Character.isDigit(peek(1)) || ((peek(1) == '+' || peek(1) == '-') && Character.isDigit(peek(2))))) {
            at += 2;
            skipDigits();
        }
        String spelling = text.substring(start, at);
        if (isWordPart(peek(0)) || peek(0) == '.') {
            throw new QueryException("malformed number '" + spelling + peek(0) + "' at position " + (start + 1));
        }
        Object value = numberValue(spelling);
        if (value instanceof Double d && d.isInfinite()) {
            throw new QueryException("number '" + spelling + "' at position " + (start + 1) + " is too large");
        }
        return new Token(Token.Kind.NUMBER, spelling, value, start);
    }

    /** An unsigned number's value: a whole number that fits in a long stays exact; anything else is a double (maybe infinite). */
    static Object numberValue(String spelling) {
        if (spelling.chars().allMatch(Character::isDigit)) {
            BigInteger exact = new BigInteger(spelling);
            if (exact.bitLength() < 64) {
                return exact.longValueExact();
            }
        }
        return Double.parseDouble(spelling);
    }

    private void skipDigits() {
        while (Character.isDigit(peek(0))) {
            at++;
        }
    }

    private char peek(int ahead) {
        int index = at + ahead;
        return index < text.length() ? text.charAt(index) : '\0';
    }

    private Token string(char quote) {
        int start = at++;
        StringBuilder value = new StringBuilder();
        while (at < text.length()) {
            char c = text.charAt(at++);
            if (c == quote) {
                return new Token(Token.Kind.STRING, text.substring(start, at), value.toString(), start);
            }
            if (c == '\\' && at < text.length()) {
                char escaped = text.charAt(at++);
                switch (escaped) {
                    case 'n' -> value.append('\n');
                    case 't' -> value.append('\t');
                    case 'r' -> value.append('\r');
                    case '\\', '\'', '"' -> value.append(escaped);
                    default -> value.append('\\').append(escaped);
                }
            } else {
                value.append(c);
            }
        }
        throw new QueryException("unterminated string starting at position " + (start + 1) + "; close it with " + quote);
    }

    private Token quotedName() {
        int start = at;
        int close = text.indexOf('`', start + 1);
        if (close < 0) {
            throw new QueryException("unterminated column name starting at position " + (start + 1) + "; close it with `");
        }
        if (close == start + 1) {
            throw new QueryException("empty column name `` at position " + (start + 1));
        }
        at = close + 1;
        return new Token(Token.Kind.QUOTED_NAME, text.substring(start, at), text.substring(start + 1, close), start);
    }

    private Token symbol(char c) {
        int start = at;
        int position = start + 1;
        String two = at + 1 < text.length() ? text.substring(at, at + 2) : String.valueOf(c);
        switch (two) {
            case "==", "!=", "<=", ">=" -> {
                at += 2;
                return new Token(Token.Kind.COMPARISON, two, null, start);
            }
            case "--", "/*" -> throw new QueryException(
                    "SQL comments ('" + two + "' at position " + position + ") are not part of the query language");
            case "||", "&&" -> throw new QueryException("'" + two + "' at position " + position
                    + " is not an operator; use " + (c == '|' ? "'or' or '|'" : "'and' or '&'"));
            case "<>" -> throw new QueryException("'<>' at position " + position + " is not an operator; use '!='");
            case "**", "//" -> {
                at += 2;
                return new Token(Token.Kind.ARITHMETIC, two, null, start);
            }
            default -> { }
        }
        at++;
        String one = String.valueOf(c);
        return switch (c) {
            case '<', '>' -> new Token(Token.Kind.COMPARISON, one, null, start);
            case '(' -> new Token(Token.Kind.LEFT_PAREN, one, null, start);
            case ')' -> new Token(Token.Kind.RIGHT_PAREN, one, null, start);
            case '[' -> new Token(Token.Kind.LEFT_BRACKET, one, null, start);
            case ']' -> new Token(Token.Kind.RIGHT_BRACKET, one, null, start);
            case ',' -> new Token(Token.Kind.COMMA, one, null, start);
            case '&' -> new Token(Token.Kind.AMPERSAND, one, null, start);
            case '|' -> new Token(Token.Kind.PIPE, one, null, start);
            case '~' -> new Token(Token.Kind.TILDE, one, null, start);
            case '-' -> new Token(Token.Kind.MINUS, one, null, start);
            case '+' -> new Token(Token.Kind.PLUS, one, null, start);
            case '*', '/', '%' -> new Token(Token.Kind.ARITHMETIC, one, null, start);
            case ';' -> throw new QueryException("semicolons (position " + position + ") are not allowed: a query is one filter");
            case '=' -> throw new QueryException("'=' at position " + position + " does not compare; use '=='");
            case '!' -> throw new QueryException("'!' at position " + position + " is not an operator; use 'not' or '~'");
            case '@' -> throw new QueryException("'@' at position " + position + ": variables are not part of the query language");
            case ':', '.' -> throw new QueryException("'" + c + "' at position " + position
                    + " is not allowed here; a column name containing it goes in backticks, e.g. `tag:hard`");
            // The whole code point: half of a surrogate pair would not survive a protobuf string.
            default -> throw new QueryException("unexpected character '" + Character.toString(text.codePointAt(start))
                    + "' at position " + position);
        };
    }
}
