package io.trainscope.core.samples.query;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TableColumnsTest {

    @Test
    void weightsLabNamesResolveToTheColumnTheyStandFor() {
        TableColumns columns = TableColumns.of(Map.of("label", ColumnType.NUMBER, "prediction", ColumnType.NUMBER,
                "loss", ColumnType.NUMBER, "encounters", ColumnType.NUMBER, "last_step", ColumnType.NUMBER));
        assertThat(columns.resolve("target")).contains(new Column("label", ColumnType.NUMBER));
        assertThat(columns.resolve("pred")).contains(new Column("prediction", ColumnType.NUMBER));
        assertThat(columns.resolve("signals//loss")).contains(new Column("loss", ColumnType.NUMBER));
        assertThat(columns.resolve("signals//train_loss")).contains(new Column("loss", ColumnType.NUMBER));
        assertThat(columns.resolve("signals//train_loss/sample")).contains(new Column("loss", ColumnType.NUMBER));
        assertThat(columns.resolve("nb_seen")).contains(new Column("encounters", ColumnType.NUMBER));
        assertThat(columns.resolve("last_seen")).contains(new Column("last_step", ColumnType.NUMBER));
    }

    @Test
    void aliasOfAMissingColumnDoesNotResolve() {
        TableColumns columns = TableColumns.of(Map.of("origin", ColumnType.TEXT));
        assertThat(columns.resolve("target")).isEmpty();
        assertThat(columns.resolve("nb_seen")).isEmpty();
    }

    @Test
    void realColumnWinsOverAnAliasOfTheSameName() {
        TableColumns columns = TableColumns.of(Map.of("target", ColumnType.TEXT, "label", ColumnType.NUMBER));
        assertThat(columns.resolve("target")).contains(new Column("target", ColumnType.TEXT));
    }

    @Test
    void namesAreCaseSensitiveAsInPandas() {
        assertThat(TableColumns.of(Map.of("loss", ColumnType.NUMBER)).resolve("Loss")).isEmpty();
    }

    @Test
    void columnsAreReadFromADuckDbTableWithTheirTypes() throws SQLException {
        try (Connection connection = DriverManager.getConnection("jdbc:duckdb:");
                Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE samples (origin VARCHAR, sample_id BIGINT, label INTEGER, confidence FLOAT,"
                    + " score DECIMAL(10, 2), discarded BOOLEAN, \"tag:hard\" BOOLEAN, seen TIMESTAMP)");
            TableColumns columns = TableColumns.read(connection, "samples");
            assertThat(columns.names()).containsExactly("origin", "sample_id", "label", "confidence", "score", "discarded", "tag:hard", "seen");
            assertThat(columns.resolve("origin").orElseThrow().type()).isEqualTo(ColumnType.TEXT);
            assertThat(columns.resolve("sample_id").orElseThrow().type()).isEqualTo(ColumnType.NUMBER);
            assertThat(columns.resolve("confidence").orElseThrow().type()).isEqualTo(ColumnType.NUMBER);
            assertThat(columns.resolve("score").orElseThrow().type()).isEqualTo(ColumnType.NUMBER);
            assertThat(columns.resolve("tag:hard").orElseThrow().type()).isEqualTo(ColumnType.BOOLEAN);
            assertThat(columns.resolve("seen").orElseThrow().type()).isEqualTo(ColumnType.TEXT);
        }
    }
}
