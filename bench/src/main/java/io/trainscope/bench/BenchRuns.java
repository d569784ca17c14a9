package io.trainscope.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Throw-away run directories for benchmark runs. */
final class BenchRuns {

    private BenchRuns() {}

    static Path directory() {
        try {
            return Files.createTempDirectory("trainscope-bench-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
