package io.trainscope.core.samples;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * A change a person makes to the sample table. Each is all-or-nothing and is in the database
 * file before its future completes.
 */
public sealed interface SampleEdit {

    /** Discards ({@code true}) or restores ({@code false}) the samples. */
    record SetDiscarded(List<SampleKey> samples, boolean discarded) implements SampleEdit {
        public SetDiscarded {
            samples = List.copyOf(samples);
        }
    }

    /** Puts the tag on ({@code on}) or takes it off the samples: sets, never toggles. */
    record SetTag(List<SampleKey> samples, String tag, boolean on) implements SampleEdit {
        public SetTag {
            samples = List.copyOf(samples);
            requireNonNull(tag, "tag");
        }
    }

    /** Declares a tag that no sample carries yet. */
    record RegisterTag(String tag) implements SampleEdit {
        public RegisterTag {
            requireNonNull(tag, "tag");
        }
    }

    /** Deletes a tag column, or a metadata column an edit added. Core columns cannot be deleted. */
    record DeleteColumn(String column) implements SampleEdit {
        public DeleteColumn {
            requireNonNull(column, "column");
        }
    }

    /** Copies a column's current values into a new column named {@code <source>_<n>@<runHash>}. */
    record CopyColumn(String source, String runHash) implements SampleEdit {
        public CopyColumn {
            requireNonNull(source, "source");
            requireNonNull(runHash, "runHash");
        }
    }

    /** Discards every sample that carries the tag. */
    record DiscardByTag(String tag) implements SampleEdit {
        public DiscardByTag {
            requireNonNull(tag, "tag");
        }
    }

    /** What an edit did, in words a person can read, and how many samples it touched. */
    record Result(int samples, String message) {}
}
