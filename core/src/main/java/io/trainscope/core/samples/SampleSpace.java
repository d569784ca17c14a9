package io.trainscope.core.samples;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where each split's samples sit in the table: split {@code origin} holds ids 0 to size - 1 at
 * rows {@code base} to {@code base + size - 1}. Turns the keys of a request into rows, refusing
 * the whole request when any key is unknown.
 */
final class SampleSpace {

    private record Range(int base, int size) {}

    private final Map<String, Range> ranges = new LinkedHashMap<>();
    private int rows;

    /** Adds a split after the ones already there; returns its first row. */
    int add(String origin, int size) {
        if (ranges.containsKey(origin)) {
            throw new IllegalArgumentException("split " + origin + " is registered twice");
        }
        int base = rows;
        ranges.put(origin, new Range(base, size));
        rows = Math.addExact(rows, size);
        return base;
    }

    int rows() {
        return rows;
    }

    List<String> origins() {
        return List.copyOf(ranges.keySet());
    }

    int size(String origin) {
        Range range = ranges.get(origin);
        return range == null ? 0 : range.size();
    }

    /** The row of {@code key}, or -1 when the table has no such sample. */
    int row(SampleKey key) {
        Range range = ranges.get(key.origin());
        if (range == null || key.sampleId() < 0 || key.sampleId() >= range.size()) {
            return -1;
        }
        return range.base() + (int) key.sampleId();
    }

    int row(String origin, int id) {
        return ranges.get(origin).base() + id;
    }

    /**
     * The rows of {@code keys}, in order.
     *
     * @throws IllegalArgumentException naming the first few keys the table does not have
     */
    int[] rows(List<SampleKey> keys) {
        int[] out = new int[keys.size()];
        List<SampleKey> unknown = new ArrayList<>();
        for (int i = 0; i < out.length; i++) {
            out[i] = row(keys.get(i));
            if (out[i] < 0) {
                unknown.add(keys.get(i));
            }
        }
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException(unknown.size() + " of " + keys.size() + " samples are not in the table ("
                    + unknown.subList(0, Math.min(3, unknown.size())) + (unknown.size() > 3 ? ", ..." : "")
                    + "); splits are " + describe() + "; nothing was changed");
        }
        return out;
    }

    private String describe() {
        List<String> parts = new ArrayList<>();
        ranges.forEach((origin, range) -> parts.add(origin + " (ids 0-" + (range.size() - 1) + ")"));
        return String.join(", ", parts);
    }
}
