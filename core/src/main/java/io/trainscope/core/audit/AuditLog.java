package io.trainscope.core.audit;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.function.Consumer;

/**
 * The run's append-only record of user actions ({@code audit.jsonl}): each entry is written
 * and forced to disk before the action's reply is sent, so nothing acknowledged is missing.
 */
public final class AuditLog implements AutoCloseable {

    private static final int RECENT = 500;

    private final FileChannel channel;
    private final Path file;
    private final Deque<AuditEntry> recent = new ArrayDeque<>();
    private volatile Consumer<AuditEntry> listener = entry -> {};

    private AuditLog(Path file, FileChannel channel) {
        this.file = file;
        this.channel = channel;
    }

    /** Opens (or creates) {@code file} for appending. */
    public static AuditLog open(Path file) {
        requireNonNull(file, "file");
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            return new AuditLog(file, FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.APPEND));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the audit log " + file, e);
        }
    }

    /** Tells {@code listener} of each entry once it is on disk and in {@link #recent()}; one listener, set before use. */
    public void onRecorded(Consumer<AuditEntry> listener) {
        this.listener = requireNonNull(listener, "listener");
    }

    /** Appends {@code entry} durably; returns once it is on disk. */
    public synchronized void record(AuditEntry entry) {
        requireNonNull(entry, "entry");
        byte[] line = (entry.toJson() + "\n").getBytes(StandardCharsets.UTF_8);
        try {
            ByteBuffer buffer = ByteBuffer.wrap(line);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            channel.force(false);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the audit log " + file, e);
        }
        recent.addLast(entry);
        if (recent.size() > RECENT) {
            recent.removeFirst();
        }
        listener.accept(entry);
    }

    /** The newest entries of this process, oldest first. */
    public synchronized List<AuditEntry> recent() {
        return new ArrayList<>(recent);
    }

    public Path file() {
        return file;
    }

    @Override
    public synchronized void close() {
        try {
            channel.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
