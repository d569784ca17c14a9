package io.trainscope.core.samples;

import static java.util.Objects.requireNonNull;

import java.util.Map;

/**
 * A split as the sample table registers it: its name ({@code origin}), the label of each sample
 * (ids are positions, 0 to size - 1) and optional integer metadata columns, one value per sample
 * (the label-noise demo records each sample's clean label this way).
 */
public record Split(String origin, int[] labels, Map<String, int[]> metadata) {

    public Split {
        requireNonNull(origin, "origin");
        requireNonNull(labels, "labels");
        metadata = Map.copyOf(metadata);
        for (Map.Entry<String, int[]> column : metadata.entrySet()) {
            if (column.getValue().length != labels.length) {
                throw new IllegalArgumentException("metadata column " + column.getKey() + " has "
                        + column.getValue().length + " values for " + labels.length + " samples");
            }
        }
    }

    public static Split of(String origin, int[] labels) {
        return new Split(origin, labels, Map.of());
    }

    public int size() {
        return labels.length;
    }
}
