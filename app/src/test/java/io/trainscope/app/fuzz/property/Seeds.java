package io.trainscope.app.fuzz.property;

import java.util.Random;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The run's one seed, from {@code -Dfuzz.seed} or else drawn once and printed, and the seed of
 * each try derived from it: a failure is made again exactly by re-running with the printed seed.
 */
public final class Seeds {

    /** The system property that fixes the seed, e.g. {@code -Dfuzz.seed=123}. */
    public static final String SEED_PROPERTY = "fuzz.seed";

    private static final long RUN = choose();

    private Seeds() {}

    /** The seed of this run. */
    public static long run() {
        return RUN;
    }

    /**
     * The Random of try {@code index} of {@code property}: it depends on nothing else, so tries may
     * run in any order, at once, and one of them alone gives the same input.
     */
    static Random forTry(String property, int index) {
        return new Random(mix(mix(RUN ^ property.hashCode()) + index));
    }

    private static long choose() {
        String fixed = System.getProperty(SEED_PROPERTY);
        long seed;
        try {
            seed = fixed == null || fixed.isBlank() ? ThreadLocalRandom.current().nextLong() : Long.parseLong(fixed.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("-D" + SEED_PROPERTY + " must be a whole number, not \"" + fixed + "\"", e);
        }
        System.out.printf("fuzz: seed %d (%s; re-run with -D%s=%d)%n", seed, fixed == null ? "drawn" : "given",
                SEED_PROPERTY, seed);
        return seed;
    }

    /** Spreads the bits of {@code z} (the finaliser of SplitMix64), so nearby seeds give unrelated streams. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
