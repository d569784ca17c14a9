package io.trainscope.core.samples.query;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Compiled queries run on a real DuckDB sample table and select the rows, in the order, that the text asks for. */
class DuckDbQueryTest {

    private Connection connection;
    private ColumnCatalog columns;

    @BeforeEach
    void createSampleTable() throws SQLException {
        connection = DriverManager.getConnection("jdbc:duckdb:");
        try (Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE samples (origin VARCHAR, sample_id BIGINT, label INTEGER, prediction INTEGER,"
                    + " confidence FLOAT, loss FLOAT, discarded BOOLEAN, \"tag:hard\" BOOLEAN)");
            statement.execute("INSERT INTO samples VALUES"
                    + " ('train', 1, 0, 0, 0.9, 0.1, false, false),"
                    + " ('train', 2, 1, 3, 0.2, 2.5, false, true),"
                    + " ('train', 3, 3, 3, 0.6, 2.1, true, false),"
                    + " ('test', 4, 3, 1, 0.1, 3.0, false, true),"
                    + " ('test', 5, 2, 2, 0.8, 0.7, NULL, NULL),"
                    + " ('val', 11448, 1, 1, 0.5, NULL, false, false)");
        }
        columns = TableColumns.read(connection, "samples");
    }

    @AfterEach
    void close() throws SQLException {
        connection.close();
    }

    /** The sample ids the query selects, in the order it sorts them (by sample_id when it does not sort). */
    private List<Long> sampleIds(String text) throws SQLException {
        DataQuery query = DataQuery.parse(text);
        StringBuilder sql = new StringBuilder("SELECT sample_id FROM samples");
        List<Object> parameters = List.of();
        if (query.filter().isPresent()) {
            SqlFragment where = SqlCompiler.where(query.filter().get(), columns);
            sql.append(" WHERE ").append(where.sql());
            parameters = where.parameters();
        }
        sql.append(" ORDER BY ").append(query.sort().isEmpty() ? "sample_id" : SqlCompiler.orderBy(query.sort(), columns));
        try (PreparedStatement statement = connection.prepareStatement(sql.toString())) {
            for (int i = 0; i < parameters.size(); i++) {
                statement.setObject(i + 1, parameters.get(i));
            }
            List<Long> ids = new ArrayList<>();
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    ids.add(rows.getLong(1));
                }
            }
            return ids;
        }
    }

    @Test
    void filterThenSortSelectsAndOrdersTheRows() throws SQLException {
        assertThat(sampleIds("loss > 2 and label == 3 sortby loss desc")).containsExactly(4L, 3L);
    }

    @Test
    void booleanColumnsWorkBareComparedOrNegated() throws SQLException {
        assertThat(sampleIds("`tag:hard` == true")).containsExactly(2L, 4L);
        assertThat(sampleIds("discarded == True")).containsExactly(3L);
        assertThat(sampleIds("discarded")).containsExactly(3L);
        assertThat(sampleIds("discarded == 1")).containsExactly(3L);
    }

    @Test
    void nullIsNeitherTrueNorFalse() throws SQLException {
        assertThat(sampleIds("not discarded")).containsExactly(1L, 2L, 4L, 11448L);
        assertThat(sampleIds("discarded != True")).containsExactly(1L, 2L, 4L, 11448L);
    }

    @Test
    void columnsCompareWithColumnsThroughAliases() throws SQLException {
        assertThat(sampleIds("prediction != label")).containsExactly(2L, 4L);
        assertThat(sampleIds("target == pred")).containsExactly(1L, 3L, 5L, 11448L);
    }

    @Test
    void membershipSelectsListedValues() throws SQLException {
        assertThat(sampleIds("origin in [\"train\", \"test\"] sortby sample_id desc")).containsExactly(5L, 4L, 3L, 2L, 1L);
        assertThat(sampleIds("label not in [1, 2]")).containsExactly(1L, 3L, 4L);
    }

    @Test
    void groupedConditionsCombine() throws SQLException {
        assertThat(sampleIds("(loss >= 0.5 or confidence < 0.3) and not (label == 3)")).containsExactly(2L, 5L);
        assertThat(sampleIds("(loss >= 0.5 | confidence < 0.3) & ~(label == 3)")).containsExactly(2L, 5L);
    }

    @Test
    void sampleIdMatchesAsNumberOrNumericText() throws SQLException {
        assertThat(sampleIds("sample_id == 11448")).containsExactly(11448L);
        assertThat(sampleIds("sample_id == '11448'")).containsExactly(11448L);
    }

    @Test
    void fractionsAreNotRoundedToTheColumnType() throws SQLException {
        assertThat(sampleIds("label > 1.5")).containsExactly(3L, 4L, 5L);
        assertThat(sampleIds("label == 1.5")).isEmpty();
        assertThat(sampleIds("confidence < 0.3")).containsExactly(2L, 4L);
    }

    @Test
    void nullsSortLastInBothDirections() throws SQLException {
        assertThat(sampleIds("sortby loss")).containsExactly(1L, 5L, 3L, 2L, 4L, 11448L);
        assertThat(sampleIds("sortby signals//train_loss/sample desc scope:global")).containsExactly(4L, 2L, 3L, 5L, 1L, 11448L);
    }

    @Test
    void indexSortsByOriginThenSampleId() throws SQLException {
        assertThat(sampleIds("sortby index desc")).containsExactly(11448L, 3L, 2L, 1L, 5L, 4L);
        assertThat(sampleIds("sortby label desc, `sample_id` asc")).containsExactly(3L, 4L, 5L, 2L, 11448L, 1L);
    }

    @Test
    void injectionTextIsOnlyEverAValue() throws SQLException {
        assertThat(sampleIds("origin == \"x' OR 1=1; DROP TABLE samples; --\"")).isEmpty();
        assertThat(sampleIds("origin == 'train' or origin == \"') OR TRUE --\"")).containsExactly(1L, 2L, 3L);
        assertThat(sampleIds("sortby sample_id")).hasSize(6);
    }
}
