package io.trainscope.core;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;

/**
 * Opens a run's DuckDB file with the settings every table of the run shares.
 * <ul>
 * <li>No extension is installed or loaded: a run file is data, never code.</li>
 * <li>One thread: DuckDB does its work on the caller's thread and starts no workers of its
 * own. A DuckDB worker that has been idle for half a second calls glibc's {@code malloc_trim},
 * which hands back to the kernel the free pages of every thread's heap, the training thread's
 * included. PyTorch keeps a step's tensors there, so the next steps paged them back in:
 * measured, 90 more page faults per training step while the observatory ran, and the
 * training thread's CPU per step up by as much as the observatory's work on the other core
 * (docs/BENCHMARKS.md, "Session 8"). The run's tables are small: one thread merges them in
 * milliseconds, and the other core is the training's.</li>
 * </ul>
 */
public final class RunDatabase {

    private RunDatabase() {}

    public static Connection open(Path file) throws SQLException {
        Properties settings = new Properties();
        settings.setProperty("autoinstall_known_extensions", "false");
        settings.setProperty("autoload_known_extensions", "false");
        settings.setProperty("threads", "1");
        return DriverManager.getConnection("jdbc:duckdb:" + file.toAbsolutePath(), settings);
    }
}
