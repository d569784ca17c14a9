package io.trainscope.core.signals;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Set;

/**
 * One logged value of one curve (a metric of one run) at one training step, with what is attached
 * to it: flags, the split and tags of an evaluation marker, and a user's note ({@code ""} for none).
 * Values are 32-bit and timestamps Unix seconds, as on the wire.
 *
 * <pre>{@code
 * store.append(SignalPoint.of("val/accuracy", runHash, step, 0.91f, nowSeconds)
 *         .asEvaluationMarker("validation", List.of("hard")));
 * }</pre>
 */
public record SignalPoint(String metric, String runHash, long step, float value, long timestampSeconds,
        Set<SignalFlag> flags, String split, List<String> tags, String note) {

    /** Timestamps are stored as unsigned 32-bit seconds, which last until 2106. */
    public static final long MAX_TIMESTAMP_SECONDS = 0xFFFF_FFFFL;

    public SignalPoint {
        checkName(metric, "metric");
        checkName(runHash, "runHash");
        checkStep(step);
        checkTimestamp(timestampSeconds);
        flags = Set.copyOf(requireNonNull(flags, "flags"));
        requireNonNull(split, "split");
        tags = List.copyOf(requireNonNull(tags, "tags"));
        requireNonNull(note, "note");
    }

    /** A plain value, without flags or note. */
    public static SignalPoint of(String metric, String runHash, long step, float value, long timestampSeconds) {
        return new SignalPoint(metric, runHash, step, value, timestampSeconds, Set.of(), "", List.of(), "");
    }

    /** This point as the final average of an evaluation pass over {@code split} with the tag filter {@code tags}. */
    public SignalPoint asEvaluationMarker(String split, List<String> tags) {
        Set<SignalFlag> marked = SignalFlag.fromBits(SignalFlag.toBits(flags) | SignalFlag.EVALUATION_MARKER.bit());
        return new SignalPoint(metric, runHash, step, value, timestampSeconds, marked, split, tags, note);
    }

    /** This point with {@code flag} added. */
    public SignalPoint withFlag(SignalFlag flag) {
        requireNonNull(flag, "flag");
        Set<SignalFlag> more = SignalFlag.fromBits(SignalFlag.toBits(flags) | flag.bit());
        return new SignalPoint(metric, runHash, step, value, timestampSeconds, more, split, tags, note);
    }

    /** This point with a user's note; a blank note means none. */
    public SignalPoint withNote(String note) {
        return new SignalPoint(metric, runHash, step, value, timestampSeconds, flags, split, tags, note);
    }

    public boolean isEvaluationMarker() {
        return flags.contains(SignalFlag.EVALUATION_MARKER);
    }

    public boolean hasNote() {
        return !note.isBlank();
    }

    static void checkName(String value, String name) {
        requireNonNull(value, name);
        if (value.isBlank()) {
            throw new IllegalArgumentException(name + " must not be blank");
        }
    }

    static void checkTimestamp(long timestampSeconds) {
        if (timestampSeconds < 0 || timestampSeconds > MAX_TIMESTAMP_SECONDS) {
            throw new IllegalArgumentException(
                    "timestampSeconds must be in [0, " + MAX_TIMESTAMP_SECONDS + "]: " + timestampSeconds);
        }
    }

    static void checkStep(long step) {
        if (step < 0) {
            throw new IllegalArgumentException("step must not be negative: " + step);
        }
    }
}
