package io.trainscope.app.fuzz.property;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentSkipListMap;

/** Inputs checked and failures seen by the properties of one test class, printed as a total line. */
public final class Tally {

    private record Count(long inputs, long failures) {}

    private final Map<String, Count> counts = new ConcurrentSkipListMap<>();

    void add(String property, long inputs, long failures) {
        counts.merge(property, new Count(inputs, failures),
                (a, b) -> new Count(a.inputs() + b.inputs(), a.failures() + b.failures()));
    }

    public long inputs() {
        return counts.values().stream().mapToLong(Count::inputs).sum();
    }

    public long failures() {
        return counts.values().stream().mapToLong(Count::failures).sum();
    }

    /** The names of the properties that ran. */
    public Set<String> properties() {
        return Set.copyOf(counts.keySet());
    }

    /** Prints {@code fuzz: total N inputs, F failures}. */
    public void printTotal() {
        System.out.printf("fuzz: total %d inputs, %d failures (%d properties, seed %d)%n", inputs(), failures(),
                counts.size(), Seeds.run());
    }
}
