package io.trainscope.core.samples.query;

import static org.assertj.core.api.Assertions.assertThat;

import io.trainscope.core.samples.query.Expression.Comparison;
import io.trainscope.core.samples.query.Operand.ColumnName;
import io.trainscope.core.samples.query.Operand.Literal;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SortParsingTest {

    @Test
    void filterThenSortSplitsAtSortby() {
        DataQuery query = DataQuery.parse("loss > 2 and label == 3 sortby loss desc");
        assertThat(query.filter()).containsInstanceOf(Expression.And.class);
        assertThat(query.sort()).containsExactly(SortKey.descending("loss"));
        assertThat(query.scope()).isEqualTo(SortScope.SUBSET);
        assertThat(query.slice()).isEmpty();
    }

    @Test
    void sortOnlyQueryHasNoFilter() {
        DataQuery query = DataQuery.parse("sortby loss desc, sample_id asc");
        assertThat(query.filter()).isEmpty();
        assertThat(query.sort()).containsExactly(SortKey.descending("loss"), SortKey.ascending("sample_id"));
    }

    @Test
    void keysDefaultToAscending() {
        assertThat(DataQuery.parse("sortby label, loss").sort()).containsExactly(SortKey.ascending("label"), SortKey.ascending("loss"));
    }

    @Test
    void sortbyAndDirectionsAreReadInAnyCase() {
        DataQuery query = DataQuery.parse("discarded SortBy loss DESC, label Asc");
        assertThat(query.filter()).isPresent();
        assertThat(query.sort()).containsExactly(SortKey.descending("loss"), SortKey.ascending("label"));
    }

    @Test
    void sortKeysNeedNoBackticksForSlashes() {
        DataQuery query = DataQuery.parse("sortby signals//train_loss/sample desc scope:global");
        assertThat(query.sort()).containsExactly(SortKey.descending("signals//train_loss/sample"));
        assertThat(query.scope()).isEqualTo(SortScope.GLOBAL);
    }

    @Test
    void backtickedKeysMayHoldSpacesAndCommas() {
        assertThat(DataQuery.parse("sortby `odd, name` desc").sort()).containsExactly(SortKey.descending("odd, name"));
    }

    @Test
    void indexKeyIsKeptAsTyped() {
        SortKey key = DataQuery.parse("sortby INDEX desc").sort().get(0);
        assertThat(key.isIndex()).isTrue();
        assertThat(key.descending()).isTrue();
    }

    @Test
    void viewScopeCarriesItsSliceWhereverTheTokensStand() {
        DataQuery query = DataQuery.parse("sortby start:100 loss desc scope:view, label count:50");
        assertThat(query.scope()).isEqualTo(SortScope.VIEW);
        assertThat(query.slice()).contains(new ViewSlice(100, 50));
        assertThat(query.sort()).containsExactly(SortKey.descending("loss"), SortKey.ascending("label"));
    }

    @Test
    void viewScopeWithoutBoundsRunsOverTheWholeView() {
        ViewSlice slice = DataQuery.parse("sortby loss scope:view").slice().orElseThrow();
        assertThat(slice).isEqualTo(new ViewSlice(0, 0));
        assertThat(slice.toEnd()).isTrue();
    }

    @Test
    void subsetScopeIsTheDefaultAndCanBeSaid() {
        assertThat(DataQuery.parse("sortby loss scope:subset").scope()).isEqualTo(SortScope.SUBSET);
        assertThat(DataQuery.parse("sortby loss").scope()).isEqualTo(SortScope.SUBSET);
    }

    @Test
    void sortbyInsideAStringDoesNotSplit() {
        DataQuery query = DataQuery.parse("origin == 'x sortby y'");
        assertThat(query.sort()).isEmpty();
        assertThat(query.filter()).contains(new Comparison(new ColumnName("origin"), ComparisonOperator.EQUAL, new Literal("x sortby y")));
    }

    @Test
    void eightKeysAreAccepted() {
        String keys = String.join(", ", List.of("a", "b", "c", "d", "e", "f", "g", "h"));
        assertThat(DataQuery.parse("sortby " + keys).sort()).hasSize(DataQuery.MAX_SORT_KEYS);
    }

    @Test
    void parsedQueriesAreValues() {
        assertThat(DataQuery.parse("discarded sortby loss")).isEqualTo(DataQuery.parse("discarded   SORTBY   loss asc"))
                .isEqualTo(new DataQuery(Optional.of(new Expression.Truth(new ColumnName("discarded"))),
                        List.of(SortKey.ascending("loss")), SortScope.SUBSET, Optional.empty()));
    }
}
