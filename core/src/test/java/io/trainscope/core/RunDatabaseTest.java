package io.trainscope.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunDatabaseTest {

    @TempDir
    Path dir;

    @Test
    void aRunFileIsOpenedWithOneThreadSoDuckDbStartsNoWorkerThatTrimsTheTrainingsHeap() throws Exception {
        try (Connection connection = RunDatabase.open(dir.resolve("run.duckdb"))) {
            assertThat(setting(connection, "threads")).isEqualTo("1");
        }
    }

    @Test
    void aRunFileNeitherInstallsNorLoadsExtensions() throws Exception {
        try (Connection connection = RunDatabase.open(dir.resolve("run.duckdb"))) {
            assertThat(setting(connection, "autoinstall_known_extensions")).isEqualTo("false");
            assertThat(setting(connection, "autoload_known_extensions")).isEqualTo("false");
        }
    }

    private static String setting(Connection connection, String name) throws Exception {
        try (Statement statement = connection.createStatement();
                ResultSet row = statement.executeQuery("SELECT current_setting('" + name + "')::VARCHAR")) {
            row.next();
            return row.getString(1);
        }
    }
}
