package io.trainscope.core.samples.query;

import io.trainscope.core.samples.query.Expression.And;
import io.trainscope.core.samples.query.Expression.Comparison;
import io.trainscope.core.samples.query.Expression.Membership;
import io.trainscope.core.samples.query.Expression.Not;
import io.trainscope.core.samples.query.Expression.Or;
import io.trainscope.core.samples.query.Expression.Truth;
import io.trainscope.core.samples.query.Operand.ColumnName;
import io.trainscope.core.samples.query.Operand.Literal;
import io.trainscope.core.samples.query.Token.Kind;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Recursive descent over the filter tokens, with pandas precedence: {@code or} below {@code and}
 * below {@code not} below comparisons. {@code &}, {@code |} and {@code ~} are read as
 * {@code and}, {@code or} and {@code not} (so {@code ~label == 0} means {@code not (label == 0)}).
 * Recursion happens only at {@code (} and {@code not}, which count toward {@link DataQuery#MAX_DEPTH},
 * so no input can overflow the stack.
 */
final class FilterParser {

    private final List<Token> tokens;
    private int next;
    private int depth;

    private FilterParser(List<Token> tokens) {
        this.tokens = tokens;
    }

    /** The filter before the closing SORTBY or END token, or empty when there is none. */
    static Optional<Expression> parse(List<Token> tokens) {
        FilterParser parser = new FilterParser(tokens);
        if (parser.atEnd()) {
            return Optional.empty();
        }
        Expression filter = parser.or();
        if (!parser.atEnd()) {
            throw parser.trailing(parser.current());
        }
        return Optional.of(filter);
    }

    private Expression or() {
        List<Expression> operands = new ArrayList<>(List.of(and()));
        while (current().isWord("or") || current().kind() == Kind.PIPE) {
            next++;
            operands.add(and());
        }
        return operands.size() == 1 ? operands.get(0) : new Or(operands);
    }

    private Expression and() {
        List<Expression> operands = new ArrayList<>(List.of(not()));
        while (current().isWord("and") || current().kind() == Kind.AMPERSAND) {
            next++;
            operands.add(not());
        }
        return operands.size() == 1 ? operands.get(0) : new And(operands);
    }

    private Expression not() {
        Token token = current();
        if (token.isWord("not") || token.kind() == Kind.TILDE) {
            next++;
            enter(token);
            Expression negated = new Not(not());
            depth--;
            return negated;
        }
        return predicate();
    }

    private Expression predicate() {
        Token open = current();
        if (open.kind() == Kind.LEFT_PAREN) {
            next++;
            enter(open);
            Expression inner = or();
            Token close = current();
            if (close.kind() != Kind.RIGHT_PAREN) {
                if (atEnd()) {
                    throw new QueryException("unbalanced parentheses: '(' at position " + open.position() + " is never closed");
                }
                throw unexpected(close, "')' to close '(' at position " + open.position());
            }
            next++;
            depth--;
            return inner;
        }
        Operand left = operand("a condition");
        Token after = current();
        if (after.kind() == Kind.COMPARISON) {
            return comparisons(left);
        }
        if (after.isWord("in")) {
            next++;
            return new Membership(column(left, after), list(), false);
        }
        if (after.isWord("not") && peek(1).isWord("in")) {
            next += 2;
            return new Membership(column(left, after), list(), true);
        }
        if (left instanceof ColumnName name) {
            return new Truth(name);
        }
        throw new QueryException("a value alone is not a condition: " + open.describe() + "; compare it with a column");
    }

    /** {@code a < b}, or a pandas chain {@code a < b < c}, which means {@code a < b and b < c}. */
    private Expression comparisons(Operand left) {
        List<Expression> chain = new ArrayList<>();
        Operand previous = left;
        while (current().kind() == Kind.COMPARISON) {
            Token operator = current();
            next++;
            Operand right = operand("a column or value after '" + operator.text() + "'");
            chain.add(new Comparison(previous, operator(operator), right));
            previous = right;
        }
        return chain.size() == 1 ? chain.get(0) : new And(chain);
    }

    private static ComparisonOperator operator(Token token) {
        for (ComparisonOperator operator : ComparisonOperator.values()) {
            if (operator.symbol().equals(token.text())) {
                return operator;
            }
        }
        throw new IllegalStateException("tokenizer produced unknown comparison " + token.text());
    }

    private static ColumnName column(Operand left, Token in) {
        if (left instanceof ColumnName name) {
            return name;
        }
        throw new QueryException("'" + in.text() + "' at position " + in.position() + " needs a column on its left, not " + left);
    }

    private List<Literal> list() {
        Token open = current();
        Kind closing = switch (open.kind()) {
            case LEFT_BRACKET -> Kind.RIGHT_BRACKET;
            case LEFT_PAREN -> Kind.RIGHT_PAREN;
            default -> throw unexpected(open, "a list such as [1, 2] after 'in'");
        };
        next++;
        List<Literal> values = new ArrayList<>();
        while (current().kind() != closing) {
            if (atEnd()) {
                throw new QueryException("unbalanced brackets: '" + open.text() + "' at position " + open.position() + " is never closed");
            }
            Token item = current();
            if (!(operand("a value in the list") instanceof Literal value)) {
                throw new QueryException("lists hold values, not columns: " + item.describe());
            }
            if (values.size() == DataQuery.MAX_LIST_ITEMS) {
                throw new QueryException("the list at position " + open.position() + " has more than "
                        + DataQuery.MAX_LIST_ITEMS + " items");
            }
            values.add(value);
            if (current().kind() == Kind.COMMA) {
                next++;
            } else if (current().kind() != closing && !atEnd()) {
                throw unexpected(current(), "',' or '" + (closing == Kind.RIGHT_BRACKET ? "]" : ")") + "' in the list");
            }
        }
        next++;
        return values;
    }

    private Operand operand(String expected) {
        Token token = current();
        switch (token.kind()) {
            case WORD -> {
                if (token.isWord("true") || token.isWord("false")) {
                    next++;
                    return Literal.of(token.isWord("true"));
                }
                if (token.isWord("and") || token.isWord("or") || token.isWord("not") || token.isWord("in")) {
                    throw unexpected(token, expected);
                }
                return name(token, token.text());
            }
            case QUOTED_NAME -> {
                return name(token, (String) token.value());
            }
            case STRING -> {
                next++;
                return Literal.of((String) token.value());
            }
            case NUMBER -> {
                next++;
                return new Literal(token.value());
            }
            case MINUS, PLUS -> {
                Token number = peek(1);
                if (number.kind() != Kind.NUMBER) {
                    throw new QueryException("'" + token.text() + "' at position " + token.position()
                            + " must be followed by a number; arithmetic is not supported");
                }
                next += 2;
                return new Literal(token.kind() == Kind.PLUS ? number.value() : negate(number.value()));
            }
            default -> throw unexpected(token, expected);
        }
    }

    private ColumnName name(Token token, String name) {
        if (peek(1).kind() == Kind.LEFT_PAREN) {
            throw new QueryException("functions are not part of the query language: '" + token.text() + "(' at position "
                    + token.position());
        }
        next++;
        return new ColumnName(name);
    }

    static Object negate(Object number) {
        return number instanceof Long whole ? (Object) (-whole) : (Object) (-(Double) number);
    }

    private void enter(Token token) {
        if (++depth > DataQuery.MAX_DEPTH) {
            throw new QueryException("query nests deeper than " + DataQuery.MAX_DEPTH + " levels (at position " + token.position() + ")");
        }
    }

    private QueryException trailing(Token token) {
        if (token.kind() == Kind.RIGHT_PAREN) {
            return new QueryException("unbalanced parentheses: ')' at position " + token.position() + " has no matching '('");
        }
        return unexpected(token, "'and', 'or' or 'sortby'");
    }

    private static QueryException unexpected(Token token, String expected) {
        return switch (token.kind()) {
            case ARITHMETIC, MINUS, PLUS -> new QueryException("arithmetic is not supported: " + token.describe()
                    + (token.text().contains("/") ? "; a column name containing '/' goes in backticks, e.g. `signals//loss`" : ""));
            default -> new QueryException("expected " + expected + ", found " + token.describe());
        };
    }

    private Token current() {
        return tokens.get(next);
    }

    private Token peek(int ahead) {
        return tokens.get(Math.min(next + ahead, tokens.size() - 1));
    }

    private boolean atEnd() {
        Kind kind = current().kind();
        return kind == Kind.END || kind == Kind.SORTBY;
    }
}
