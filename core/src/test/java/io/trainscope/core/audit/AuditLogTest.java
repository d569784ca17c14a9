package io.trainscope.core.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditLogTest {

    @TempDir
    Path dir;

    @Test
    void eachActionIsOneJsonLineOnDiskWhenRecordReturns() throws Exception {
        Path file = dir.resolve("run/audit.jsonl");
        try (AuditLog log = AuditLog.open(file)) {
            log.record(new AuditEntry(Instant.parse("2026-11-23T10:00:00Z"), "hp_change",
                    Map.of("learning_rate", "5.0E-4"), "alice", "Applied at step 12"));
            assertThat(Files.readAllLines(file)).containsExactly("{\"time\":\"2026-11-23T10:00:00Z\",\"action\":\"hp_change\","
                    + "\"parameters\":{\"learning_rate\":\"5.0E-4\"},\"caller\":\"alice\",\"result\":\"Applied at step 12\"}");
        }
    }

    @Test
    void textIsEscapedSoEveryLineStaysValidJson() throws Exception {
        Path file = dir.resolve("audit.jsonl");
        try (AuditLog log = AuditLog.open(file)) {
            log.record(new AuditEntry(Instant.EPOCH, "note_write", Map.of("note", "a \"quoted\"\nline\\"), "bob", "ok"));
        }
        assertThat(Files.readString(file)).contains("\"note\":\"a \\\"quoted\\\"\\nline\\\\\"").endsWith("}\n");
    }

    @Test
    void reopeningAppendsAfterWhatIsThere() throws Exception {
        Path file = dir.resolve("audit.jsonl");
        try (AuditLog log = AuditLog.open(file)) {
            log.record(new AuditEntry(Instant.EPOCH, "pause", Map.of(), "x", "Paused at step 1"));
        }
        try (AuditLog log = AuditLog.open(file)) {
            log.record(new AuditEntry(Instant.EPOCH, "resume", Map.of(), "x", "Resumed at step 1"));
            assertThat(log.recent()).extracting(AuditEntry::action).containsExactly("resume");
        }
        assertThat(Files.readAllLines(file)).hasSize(2);
    }
}
