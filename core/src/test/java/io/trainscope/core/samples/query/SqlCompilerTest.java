package io.trainscope.core.samples.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SqlCompilerTest {

    private static final ColumnCatalog COLUMNS = columns();

    private static ColumnCatalog columns() {
        Map<String, ColumnType> types = new LinkedHashMap<>();
        types.put("origin", ColumnType.TEXT);
        types.put("sample_id", ColumnType.NUMBER);
        types.put("label", ColumnType.NUMBER);
        types.put("prediction", ColumnType.NUMBER);
        types.put("loss", ColumnType.NUMBER);
        types.put("discarded", ColumnType.BOOLEAN);
        types.put("tag:hard", ColumnType.BOOLEAN);
        types.put("odd\"name", ColumnType.TEXT);
        return TableColumns.of(types);
    }

    private static SqlFragment where(String query) {
        return SqlCompiler.where(DataQuery.parse(query).filter().orElseThrow(), COLUMNS);
    }

    private static String orderBy(String query) {
        return SqlCompiler.orderBy(DataQuery.parse(query).sort(), COLUMNS);
    }

    @Test
    void everyLiteralBecomesAParameter() {
        assertThat(where("loss > 2 and label == 3 or origin == 'train'")).isEqualTo(new SqlFragment(
                "((\"loss\" > CAST(? AS BIGINT) AND \"label\" = CAST(? AS BIGINT)) OR \"origin\" = ?)", List.of(2L, 3L, "train")));
    }

    @Test
    void fractionsAreComparedAsDoubles() {
        assertThat(where("loss >= -1.5e-3")).isEqualTo(new SqlFragment("\"loss\" >= CAST(? AS DOUBLE)", List.of(-1.5e-3)));
    }

    @Test
    void notAndTruthTestsCompileToSqlBooleans() {
        assertThat(where("not discarded").sql()).isEqualTo("NOT (\"discarded\")");
        assertThat(where("~(label == 0)").sql()).isEqualTo("NOT (\"label\" = CAST(? AS BIGINT))");
        assertThat(where("`tag:hard` == true")).isEqualTo(new SqlFragment("\"tag:hard\" = ?", List.of(true)));
    }

    @Test
    void onesAndZerosCountAsBooleansForBooleanColumns() {
        assertThat(where("discarded == 1").parameters()).containsExactly(true);
        assertThat(where("discarded != 0").parameters()).containsExactly(false);
    }

    @Test
    void columnsAreComparedWithColumnsWithoutParameters() {
        assertThat(where("prediction != label")).isEqualTo(new SqlFragment("\"prediction\" <> \"label\"", List.of()));
    }

    @Test
    void valueOnTheLeftIsMirrored() {
        assertThat(where("2 < loss")).isEqualTo(where("loss > 2"));
    }

    @Test
    void numericTextIsConvertedForNumberColumns() {
        assertThat(where("sample_id == '11448'").parameters()).containsExactly(11448L);
        assertThat(where("loss < ' -0.5 '").parameters()).containsExactly(-0.5);
    }

    @Test
    void membershipBindsEachValue() {
        assertThat(where("origin in [\"train\", \"test\"]"))
                .isEqualTo(new SqlFragment("\"origin\" IN (?, ?)", List.of("train", "test")));
        assertThat(where("label not in [1, '2']"))
                .isEqualTo(new SqlFragment("\"label\" NOT IN (CAST(? AS BIGINT), CAST(? AS BIGINT))", List.of(1L, 2L)));
    }

    @Test
    void emptyListsAreConstants() {
        assertThat(where("label in []")).isEqualTo(new SqlFragment("FALSE", List.of()));
        assertThat(where("label not in []")).isEqualTo(new SqlFragment("TRUE", List.of()));
    }

    @Test
    void hostileStringsStayParameters() {
        SqlFragment fragment = where("origin == \"x' OR 1=1; DROP TABLE samples; --\"");
        assertThat(fragment.sql()).isEqualTo("\"origin\" = ?");
        assertThat(fragment.parameters()).containsExactly("x' OR 1=1; DROP TABLE samples; --");
    }

    @Test
    void quotesInColumnNamesAreDoubled() {
        assertThat(where("`odd\"name` == 'a'").sql()).isEqualTo("\"odd\"\"name\" = ?");
    }

    @Test
    void aliasesCompileToTheRealColumn() {
        assertThat(where("target == pred").sql()).isEqualTo("\"label\" = \"prediction\"");
        assertThat(where("`signals//train_loss/sample` > 1").sql()).isEqualTo("\"loss\" > CAST(? AS BIGINT)");
    }

    @Test
    void sortKeysBecomeOrderByTermsWithNullsLast() {
        assertThat(orderBy("sortby loss desc, sample_id")).isEqualTo("\"loss\" DESC NULLS LAST, \"sample_id\" ASC NULLS LAST");
        assertThat(orderBy("sortby signals//loss desc")).isEqualTo("\"loss\" DESC NULLS LAST");
    }

    @Test
    void indexSortsByOriginThenSampleId() {
        assertThat(orderBy("sortby Index desc")).isEqualTo("\"origin\" DESC NULLS LAST, \"sample_id\" DESC NULLS LAST");
    }

    @Test
    void indexNeedsOriginAndSampleId() {
        ColumnCatalog bare = TableColumns.of(Map.of("loss", ColumnType.NUMBER));
        assertThatThrownBy(() -> SqlCompiler.orderBy(List.of(SortKey.ascending("index")), bare))
                .isInstanceOf(QueryException.class).hasMessage("sorting by index needs an origin column");
    }

    @Test
    void noKeysGiveAnEmptyOrderBy() {
        assertThat(SqlCompiler.orderBy(List.of(), COLUMNS)).isEmpty();
    }

    @Test
    void unknownColumnMessageListsTheTableColumns() {
        assertThatThrownBy(() -> where("los > 1")).isInstanceOf(QueryException.class).hasMessage(
                "unknown column 'los'; columns are: origin, sample_id, label, prediction, loss, discarded, tag:hard, odd\"name");
    }
}
