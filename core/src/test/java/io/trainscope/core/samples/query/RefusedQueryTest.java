package io.trainscope.core.samples.query;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every query outside the language is refused with a message that says what is wrong. */
class RefusedQueryTest {

    private static final ColumnCatalog COLUMNS = TableColumns.of(Map.of(
            "label", ColumnType.NUMBER, "loss", ColumnType.NUMBER, "origin", ColumnType.TEXT, "discarded", ColumnType.BOOLEAN));

    private static void refused(String query, String message) {
        assertThatThrownBy(() -> {
            DataQuery parsed = DataQuery.parse(query);
            parsed.filter().ifPresent(filter -> SqlCompiler.where(filter, COLUMNS));
            SqlCompiler.orderBy(parsed.sort(), COLUMNS);
        }).isInstanceOf(QueryException.class).hasMessageContaining(message);
    }

    @Test
    void statementSeparatorIsRefused() {
        refused("loss > 1; DROP TABLE samples", "semicolons (position 9) are not allowed");
        refused("sortby loss; DROP TABLE samples", "semicolons");
    }

    @Test
    void sqlTautologyWithCommentIsRefusedAtTheSingleEquals() {
        refused("label == 1 or 1=1 --", "'=' at position 16 does not compare; use '=='");
    }

    @Test
    void sqlCommentsAreRefused() {
        refused("label == 1 -- and loss > 2", "SQL comments ('--' at position 12)");
        refused("label == 1 /* x */", "SQL comments ('/*' at position 12)");
    }

    @Test
    void sqlConcatenationIsRefused() {
        refused("\"x\" || (SELECT password FROM users)", "'||' at position 5 is not an operator; use 'or' or '|'");
        refused("loss > 1 && discarded", "'&&' at position 10 is not an operator; use 'and' or '&'");
    }

    @Test
    void anUnexpectedCharacterOutsideTheBasicPlaneIsQuotedWhole() {
        refused("loss > 1 \uD83D\uDE00", "unexpected character '\uD83D\uDE00' at position 10");
    }

    @Test
    void subqueryTextStaysAnUnknownColumn() {
        refused("origin == 'x' or SELECT", "unknown column 'SELECT'");
    }

    @Test
    void functionCallsAreRefused() {
        refused("read_csv('/etc/passwd')", "functions are not part of the query language: 'read_csv(' at position 1");
        refused("loss > abs(label)", "functions are not part of the query language");
        refused("origin.str.contains('a')", "'.' at position 7 is not allowed here");
    }

    @Test
    void backtickedFunctionIsJustAnUnknownColumnName() {
        refused("`read_text('/etc/passwd')` == 'x'", "unknown column 'read_text('/etc/passwd')'; columns are: ");
    }

    @Test
    void arithmeticIsRefused() {
        refused("loss * 2 > 1", "arithmetic is not supported: '*' at position 6");
        refused("loss - 1 > 0", "arithmetic is not supported: '-' at position 6");
        refused("loss > -label", "'-' at position 8 must be followed by a number; arithmetic is not supported");
        refused("loss > label + 1", "arithmetic is not supported: '+' at position 14");
        refused("loss ** 2 > 1", "arithmetic is not supported");
        refused("signals//loss > 1", "a column name containing '/' goes in backticks");
    }

    @Test
    void unbalancedParenthesesAreRefused() {
        refused("(loss > 1", "unbalanced parentheses: '(' at position 1 is never closed");
        refused("loss > 1)", "unbalanced parentheses: ')' at position 9 has no matching '('");
        refused("(loss > 1 label == 2)", "expected ')' to close '(' at position 1, found 'label' at position 11");
        refused("label in [1, 2", "unbalanced brackets: '[' at position 10 is never closed");
    }

    @Test
    void trailingTokensAreRefused() {
        refused("loss > 1 label == 2", "expected 'and', 'or' or 'sortby', found 'label' at position 10");
    }

    @Test
    void missingOperandsAreRefused() {
        refused("loss > ", "expected a column or value after '>', found the end of the filter");
        refused("loss > sortby loss", "expected a column or value after '>', found 'sortby' at position 8");
        refused("and loss > 1", "expected a condition, found 'and' at position 1");
        refused("loss > 1 and", "expected a condition, found the end of the filter");
        refused("3", "a value alone is not a condition");
    }

    @Test
    void unknownOperatorsAreRefused() {
        refused("loss <> 1", "'<>' at position 6 is not an operator; use '!='");
        refused("loss ! 1", "'!' at position 6 is not an operator");
        refused("loss ^ 1", "unexpected character '^' at position 6");
        refused("loss > @limit", "variables are not part of the query language");
        refused("label is 3", "expected 'and', 'or' or 'sortby', found 'is' at position 7");
    }

    @Test
    void unterminatedStringsAndNamesAreRefused() {
        refused("origin == 'train", "unterminated string starting at position 11");
        refused("`tag:hard == true", "unterminated column name starting at position 1");
    }

    @Test
    void unquotedNameWithColonIsRefusedWithAHint() {
        refused("tag:hard == true", "':' at position 4 is not allowed here; a column name containing it goes in backticks");
    }

    @Test
    void malformedNumbersAreRefused() {
        refused("loss > 1.2.3", "malformed number '1.2.'");
        refused("loss > 3abc", "malformed number '3a'");
        refused("loss > 1e999", "number '1e999' at position 8 is too large");
    }

    @Test
    void overlongQueryIsRefusedBeforeParsing() {
        refused("(".repeat(10_000), "the query is 10000 characters long; the limit is 4000");
        refused("loss > 1 and " + "x".repeat(4_000), "the limit is 4000");
    }

    @Test
    void deepNestingIsRefusedWithoutOverflowingTheStack() {
        refused("(".repeat(3_999), "query nests deeper than 32 levels (at position 33)");
        refused("not ".repeat(33) + "discarded", "query nests deeper than 32 levels");
        refused("~".repeat(3_000) + "discarded", "query nests deeper than 32 levels");
    }

    @Test
    void overlongListIsRefused() {
        String items = String.join(",", java.util.Collections.nCopies(257, "1"));
        refused("label in [" + items + "]", "the list at position 10 has more than 256 items");
    }

    @Test
    void listsHoldOnlyValues() {
        refused("label in [prediction]", "lists hold values, not columns: 'prediction' at position 11");
        refused("3 in [1]", "'in' at position 3 needs a column on its left");
    }

    @Test
    void tooManySortKeysAreRefused() {
        refused("sortby a, b, c, d, e, f, g, h, i", "more than 8 sort keys");
    }

    @Test
    void malformedSortsAreRefused() {
        refused("loss > 1 sortby", "sortby needs at least one column to sort by");
        refused("sortby loss downwards", "expected 'asc' or 'desc' after sort key 'loss', found 'downwards' at position 13");
        refused("sortby loss desc label", "unexpected 'label' at position 18 in the sort; separate sort keys with ','");
        refused("sortby loss,, label", "empty sort key");
        refused("sortby loss sortby label", "'sortby' may appear only once");
        refused("sortby loss scope:everything", "unknown scope 'scope:everything'");
        refused("sortby loss scope:view scope:global", "scope given twice");
        refused("sortby loss start:10", "'start:10' at position 13 only applies with scope:view");
        refused("sortby loss scope:view start:ten", "'start:ten' at position 24 needs a whole number");
        refused("sortby loss scope:view start:-1", "start cannot be negative");
        refused("sortby `loss", "unterminated column name starting at position 8");
    }

    @Test
    void unknownColumnsAreNamedWithTheColumnsThereAre() {
        refused("los > 1", "unknown column 'los'; columns are: ");
        refused("sortby los desc", "unknown column 'los'");
    }

    @Test
    void typeMismatchesAreRefused() {
        refused("label == 'abc'", "label is a number; 'abc' is not");
        refused("label == True", "label is a number; True is not");
        refused("origin == 3", "origin is text; 3 is not (quote it: '3')");
        refused("discarded == 'yes'", "discarded is true/false; 'yes' is not");
        refused("discarded == 2", "discarded is true/false; 2 is not");
        refused("discarded > False", "discarded is true/false; compare it with == or !=, not >");
        refused("label == origin", "label is a number and origin is text; they cannot be compared");
        refused("label in [1, 'x']", "label is a number; 'x' is not");
        refused("loss", "loss is a number; only a true/false column can stand alone as a condition (try loss != 0)");
        refused("1 == 1", "a comparison needs a column: 1 == 1 compares two values");
    }
}
