package io.trainscope.core.checkpoints;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.Properties;

/**
 * The names and notes people give a run's branches, kept in {@code <run>/runs.properties}
 * (written whole to a temporary file, then moved into place).
 */
public final class RunNotes {

    private final Path file;
    private final Properties values = new Properties();

    public RunNotes(Path runDirectory) {
        this.file = runDirectory.resolve("runs.properties");
        if (Files.exists(file)) {
            try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                values.load(in);
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot read " + file + ": " + e.getMessage(), e);
            }
        }
    }

    public synchronized Optional<String> name(String runHash) {
        return Optional.ofNullable(values.getProperty(runHash + ".name"));
    }

    public synchronized String notes(String runHash) {
        return values.getProperty(runHash + ".notes", "");
    }

    public synchronized Optional<String> parent(String runHash) {
        return Optional.ofNullable(values.getProperty(runHash + ".parent"));
    }

    public synchronized void setName(String runHash, String name) {
        values.setProperty(runHash + ".name", name);
        save();
    }

    public synchronized void setNotes(String runHash, String notes) {
        values.setProperty(runHash + ".notes", notes);
        save();
    }

    /** How many branches start at {@code parentId} ({@code <hash>@<step>}). */
    public synchronized int branchesFrom(String parentId) {
        return (int) values.stringPropertyNames().stream()
                .filter(key -> key.endsWith(".parent") && values.getProperty(key).equals(parentId)).count();
    }

    /** Records that {@code runHash} branched from {@code parentId} ({@code <hash>@<step>}). */
    public synchronized void setParent(String runHash, String parentId) {
        values.setProperty(runHash + ".parent", parentId);
        save();
    }

    private void save() {
        try {
            Files.createDirectories(file.getParent());
            Path temporary = file.resolveSibling("runs.properties.partial");
            try (Writer out = Files.newBufferedWriter(temporary, StandardCharsets.UTF_8)) {
                values.store(out, "Trainscope: names, notes and parents of this run's branches");
            }
            Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write " + file + ": " + e.getMessage(), e);
        }
    }
}
