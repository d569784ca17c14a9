package io.trainscope.core.samples;

import java.util.List;
import java.util.Map;

/**
 * One row of the sample table as a reader sees it. The statistics are those of the last step
 * that drew the sample ({@code null} before the first); {@code metadata} holds every column an
 * edit or user code added, tags aside.
 */
public record SampleRecord(
        String origin,
        long sampleId,
        Integer label,
        Integer prediction,
        Float confidence,
        Float loss,
        int encounters,
        Long lastStep,
        boolean discarded,
        List<String> tags,
        Map<String, Object> metadata) {

    public SampleRecord {
        tags = List.copyOf(tags);
        metadata = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(metadata));
    }

    public SampleKey key() {
        return new SampleKey(origin, sampleId);
    }
}
