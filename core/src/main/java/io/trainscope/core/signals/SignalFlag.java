package io.trainscope.core.signals;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * What a signal point is besides a plain training value; evaluation markers and hyperparameter
 * changes survive every reduction.
 */
public enum SignalFlag {
    /** The final average of an evaluation pass, carrying the split it evaluated and its tag filter. */
    EVALUATION_MARKER,
    /** Logged at the step where a hyperparameter change took effect. */
    HYPERPARAMETER_CHANGE,
    /** Logged while audit (read-only inspection) mode was on. */
    AUDIT_MODE;

    /** The bits of the flags that make a point always kept by the downsampler. */
    static final int ALWAYS_KEPT_BITS = EVALUATION_MARKER.bit() | HYPERPARAMETER_CHANGE.bit();

    /** One shared immutable set per combination of bits, so reading points allocates no sets. */
    private static final List<Set<SignalFlag>> SETS = allSets();

    int bit() {
        return 1 << ordinal();
    }

    static byte toBits(Set<SignalFlag> flags) {
        int bits = 0;
        for (SignalFlag flag : flags) {
            bits |= flag.bit();
        }
        return (byte) bits;
    }

    static Set<SignalFlag> fromBits(int bits) {
        return SETS.get(bits & (SETS.size() - 1));
    }

    private static List<Set<SignalFlag>> allSets() {
        SignalFlag[] all = values();
        List<Set<SignalFlag>> sets = new ArrayList<>(1 << all.length);
        for (int bits = 0; bits < 1 << all.length; bits++) {
            EnumSet<SignalFlag> set = EnumSet.noneOf(SignalFlag.class);
            for (SignalFlag flag : all) {
                if ((bits & flag.bit()) != 0) {
                    set.add(flag);
                }
            }
            sets.add(Set.copyOf(set));
        }
        return List.copyOf(sets);
    }
}
