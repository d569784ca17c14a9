package io.trainscope.core.samples;

import static java.util.Objects.requireNonNull;

import java.util.BitSet;
import java.util.HashMap;
import java.util.Map;

/**
 * The ids the sampler must skip, per split: read at every draw, changed by discard and restore
 * edits once they are in the database. Thread-safe; reads are uncontended in practice.
 */
public final class DiscardedSamples {

    private final Map<String, BitSet> byOrigin = new HashMap<>();

    public synchronized boolean contains(String origin, long id) {
        BitSet ids = byOrigin.get(origin);
        return ids != null && id >= 0 && id <= Integer.MAX_VALUE && ids.get((int) id);
    }

    public synchronized void set(String origin, long id, boolean discarded) {
        requireNonNull(origin, "origin");
        BitSet ids = byOrigin.computeIfAbsent(origin, o -> new BitSet());
        ids.set(Math.toIntExact(id), discarded);
    }

    /** The discarded ids of every split, sorted (a copy). */
    public synchronized Map<String, int[]> snapshot() {
        Map<String, int[]> out = new HashMap<>();
        byOrigin.forEach((origin, ids) -> out.put(origin, ids.stream().toArray()));
        return out;
    }

    /** Makes {@code ids} the discarded ids of every split (the others are restored). */
    public synchronized void replaceAll(Map<String, int[]> ids) {
        byOrigin.clear();
        ids.forEach((origin, values) -> {
            BitSet set = new BitSet();
            for (int id : values) {
                set.set(id);
            }
            byOrigin.put(origin, set);
        });
    }
}
