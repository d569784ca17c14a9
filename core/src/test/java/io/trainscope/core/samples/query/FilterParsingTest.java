package io.trainscope.core.samples.query;

import static io.trainscope.core.samples.query.ComparisonOperator.EQUAL;
import static io.trainscope.core.samples.query.ComparisonOperator.GREATER;
import static io.trainscope.core.samples.query.ComparisonOperator.GREATER_OR_EQUAL;
import static io.trainscope.core.samples.query.ComparisonOperator.LESS;
import static io.trainscope.core.samples.query.ComparisonOperator.NOT_EQUAL;
import static org.assertj.core.api.Assertions.assertThat;

import io.trainscope.core.samples.query.Expression.And;
import io.trainscope.core.samples.query.Expression.Comparison;
import io.trainscope.core.samples.query.Expression.Membership;
import io.trainscope.core.samples.query.Expression.Not;
import io.trainscope.core.samples.query.Expression.Or;
import io.trainscope.core.samples.query.Expression.Truth;
import io.trainscope.core.samples.query.Operand.ColumnName;
import io.trainscope.core.samples.query.Operand.Literal;
import java.util.List;
import org.junit.jupiter.api.Test;

class FilterParsingTest {

    private static Expression filter(String text) {
        return DataQuery.parse(text).filter().orElseThrow();
    }

    private static ColumnName column(String name) {
        return new ColumnName(name);
    }

    private static Comparison compare(String column, ComparisonOperator operator, Object value) {
        return new Comparison(column(column), operator, new Literal(value));
    }

    @Test
    void andBindsTighterThanOrAndChainsStayFlat() {
        assertThat(filter("loss > 2 and label == 3 or origin == 'test' and discarded and label != 1"))
                .isEqualTo(new Or(List.of(
                        new And(List.of(compare("loss", GREATER, 2L), compare("label", EQUAL, 3L))),
                        new And(List.of(compare("origin", EQUAL, "test"), new Truth(column("discarded")),
                                compare("label", NOT_EQUAL, 1L))))));
    }

    @Test
    void symbolsAreAliasesOfTheKeywords() {
        assertThat(filter("(loss >= 0.5 | confidence < 0.3) & ~(label == 0)"))
                .isEqualTo(filter("(loss >= 0.5 or confidence < 0.3) and not (label == 0)"))
                .isEqualTo(new And(List.of(
                        new Or(List.of(compare("loss", GREATER_OR_EQUAL, 0.5), compare("confidence", LESS, 0.3))),
                        new Not(compare("label", EQUAL, 0L)))));
    }

    @Test
    void notAppliesToTheWholeComparisonAfterIt() {
        assertThat(filter("not label == 0")).isEqualTo(new Not(compare("label", EQUAL, 0L)));
        assertThat(filter("not discarded")).isEqualTo(new Not(new Truth(column("discarded"))));
        assertThat(filter("~discarded")).isEqualTo(new Not(new Truth(column("discarded"))));
    }

    @Test
    void bareColumnIsATruthTest() {
        assertThat(filter("discarded")).isEqualTo(new Truth(column("discarded")));
    }

    @Test
    void backtickedNamesMayHoldAnyCharacter() {
        assertThat(filter("`tag:hard` == true")).isEqualTo(compare("tag:hard", EQUAL, true));
        assertThat(filter("`signals//train_loss/sample` > 2.0")).isEqualTo(compare("signals//train_loss/sample", GREATER, 2.0));
    }

    @Test
    void booleansAreTrueOrFalseInEitherCase() {
        assertThat(filter("discarded == True")).isEqualTo(compare("discarded", EQUAL, true));
        assertThat(filter("discarded == false")).isEqualTo(compare("discarded", EQUAL, false));
    }

    @Test
    void columnsCanBeComparedWithColumns() {
        assertThat(filter("prediction != label")).isEqualTo(new Comparison(column("prediction"), NOT_EQUAL, column("label")));
    }

    @Test
    void valueMayStandOnTheLeft() {
        assertThat(filter("2 < loss")).isEqualTo(new Comparison(new Literal(2L), LESS, column("loss")));
    }

    @Test
    void chainedComparisonMeansBothHold() {
        assertThat(filter("0.5 < loss < 2")).isEqualTo(new And(List.of(
                new Comparison(new Literal(0.5), LESS, column("loss")),
                new Comparison(column("loss"), LESS, new Literal(2L)))));
    }

    @Test
    void numbersKeepWholeNumbersExactAndReadSignsAndExponents() {
        assertThat(filter("sample_id == 11448")).isEqualTo(compare("sample_id", EQUAL, 11448L));
        assertThat(filter("loss > -1.5e-3")).isEqualTo(compare("loss", GREATER, -1.5e-3));
        assertThat(filter("loss > .5")).isEqualTo(compare("loss", GREATER, 0.5));
        assertThat(filter("label != -1")).isEqualTo(compare("label", NOT_EQUAL, -1L));
        assertThat(filter("sample_id < 99999999999999999999")).isEqualTo(compare("sample_id", LESS, 1e20));
    }

    @Test
    void stringsTakeEitherQuoteAndBackslashEscapes() {
        assertThat(filter("origin == \"train\"")).isEqualTo(compare("origin", EQUAL, "train"));
        assertThat(filter("origin == 'it\\'s \"x\"\\\\'")).isEqualTo(compare("origin", EQUAL, "it's \"x\"\\"));
        assertThat(filter("origin == \"a\\nb\"")).isEqualTo(compare("origin", EQUAL, "a\nb"));
    }

    @Test
    void membershipTakesListsOfValues() {
        assertThat(filter("origin in [\"train\", \"test\"]")).isEqualTo(
                new Membership(column("origin"), List.of(new Literal("train"), new Literal("test")), false));
        assertThat(filter("label not in [1, 2,]")).isEqualTo(
                new Membership(column("label"), List.of(new Literal(1L), new Literal(2L)), true));
        assertThat(filter("label in (1, 2)")).isEqualTo(filter("label in [1, 2]"));
        assertThat(filter("label in []")).isEqualTo(new Membership(column("label"), List.of(), false));
    }

    @Test
    void keywordsAreReadInAnyCase() {
        assertThat(filter("loss > 1 AND NOT discarded Or label In [1]")).isEqualTo(filter("loss > 1 and not discarded or label in [1]"));
    }

    @Test
    void parenthesesOnlyGroup() {
        assertThat(filter("((loss > 1))")).isEqualTo(compare("loss", GREATER, 1L));
    }

    @Test
    void nestingUpToTheLimitIsAccepted() {
        String deep = "(".repeat(DataQuery.MAX_DEPTH) + "discarded" + ")".repeat(DataQuery.MAX_DEPTH);
        assertThat(filter(deep)).isEqualTo(new Truth(column("discarded")));
    }

    @Test
    void longAndChainsDoNotDeepenTheTree() {
        String chain = String.join(" and ", java.util.Collections.nCopies(300, "d"));
        assertThat(filter(chain)).isInstanceOfSatisfying(And.class, and -> assertThat(and.operands()).hasSize(300));
    }

    @Test
    void blankQueryHasNeitherFilterNorSort() {
        assertThat(DataQuery.parse("  ").isEmpty()).isTrue();
    }
}
