package io.trainscope.app.fuzz.property;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Makes one random value from a seeded {@link Random}: the same seed gives the same value, so a
 * failing input can be made again from the seed alone.
 *
 * <pre>{@code
 * Gen<String> token = Gen.frequency(Gen.weighted(8, Gen.of(KEYWORDS)), Gen.weighted(1, Gen.strings(6)));
 * Gen<List<String>> query = Gen.lists(token, 12);
 * }</pre>
 */
@FunctionalInterface
public interface Gen<T> {

    /** How many values {@link #filter} may throw away in a row before it calls the generator broken. */
    int MAX_FILTERED = 1_000;

    T next(Random random);

    default <R> Gen<R> map(Function<? super T, ? extends R> mapper) {
        requireNonNull(mapper, "mapper");
        return random -> mapper.apply(next(random));
    }

    default <R> Gen<R> flatMap(Function<? super T, Gen<R>> mapper) {
        requireNonNull(mapper, "mapper");
        return random -> mapper.apply(next(random)).next(random);
    }

    /** Values that {@code keep} accepts; the others are drawn again. */
    default Gen<T> filter(Predicate<? super T> keep) {
        requireNonNull(keep, "keep");
        return random -> {
            for (int i = 0; i < MAX_FILTERED; i++) {
                T value = next(random);
                if (keep.test(value)) {
                    return value;
                }
            }
            throw new IllegalStateException(MAX_FILTERED + " values in a row were filtered out: the filter is too strict");
        };
    }

    /** One of {@code values}, each as likely. */
    static <T> Gen<T> of(List<T> values) {
        List<T> copy = List.copyOf(values);
        if (copy.isEmpty()) {
            throw new IllegalArgumentException("values is empty");
        }
        return random -> copy.get(random.nextInt(copy.size()));
    }

    /** A value of one of {@code gens}, each as likely. */
    @SafeVarargs
    static <T> Gen<T> oneOf(Gen<? extends T>... gens) {
        List<Gen<? extends T>> copy = List.of(gens);
        if (copy.isEmpty()) {
            throw new IllegalArgumentException("gens is empty");
        }
        return random -> copy.get(random.nextInt(copy.size())).next(random);
    }

    /** A generator and how often it is picked relative to the others in {@link #frequency}. */
    record Weighted<T>(int weight, Gen<? extends T> gen) {
        public Weighted {
            requireNonNull(gen, "gen");
            if (weight <= 0) {
                throw new IllegalArgumentException("weight must be positive: " + weight);
            }
        }
    }

    static <T> Weighted<T> weighted(int weight, Gen<? extends T> gen) {
        return new Weighted<>(weight, gen);
    }

    /** A value of one of {@code choices}, picked in proportion to its weight. */
    @SafeVarargs
    static <T> Gen<T> frequency(Weighted<T>... choices) {
        List<Weighted<T>> copy = List.of(choices);
        if (copy.isEmpty()) {
            throw new IllegalArgumentException("choices is empty");
        }
        int total = copy.stream().mapToInt(Weighted::weight).sum();
        return random -> {
            int pick = random.nextInt(total);
            for (Weighted<T> choice : copy) {
                pick -= choice.weight();
                if (pick < 0) {
                    return choice.gen().next(random);
                }
            }
            throw new AssertionError("unreachable: the weights add up to " + total);
        };
    }

    /** An int from {@code min} to {@code max}, both included. */
    static Gen<Integer> ints(int min, int max) {
        if (max < min) {
            throw new IllegalArgumentException("max " + max + " is below min " + min);
        }
        long span = (long) max - min + 1;
        return random -> (int) (min + (long) (random.nextDouble() * span));
    }

    /** A list of 0 to {@code maxSize} elements, each drawn from {@code element}. */
    static <T> Gen<List<T>> lists(Gen<T> element, int maxSize) {
        requireNonNull(element, "element");
        if (maxSize < 0) {
            throw new IllegalArgumentException("maxSize is negative: " + maxSize);
        }
        return random -> {
            int size = random.nextInt(maxSize + 1);
            List<T> out = new ArrayList<>(size);
            for (int i = 0; i < size; i++) {
                out.add(element.next(random));
            }
            return out;
        };
    }

    /**
     * A string of 0 to {@code maxLength} code points from anywhere in Unicode: control characters,
     * ASCII, the rest of the basic plane (no lone surrogates) and the supplementary planes.
     */
    static Gen<String> strings(int maxLength) {
        if (maxLength < 0) {
            throw new IllegalArgumentException("maxLength is negative: " + maxLength);
        }
        return random -> {
            int length = random.nextInt(maxLength + 1);
            StringBuilder out = new StringBuilder(length);
            for (int i = 0; i < length; i++) {
                out.appendCodePoint(switch (random.nextInt(4)) {
                    case 0 -> random.nextInt(0x20);
                    case 1 -> 0x20 + random.nextInt(0x7f - 0x20);
                    case 2 -> 0x7f + random.nextInt(0xd800 - 0x7f);
                    default -> 0x10000 + random.nextInt(0x110000 - 0x10000);
                });
            }
            return out.toString();
        };
    }

    /** A double: now and then an edge (zeros, infinities, NaN, extremes), else any bit pattern or a small number. */
    static Gen<Double> doubles() {
        double[] edges = {0.0, -0.0, 1.0, -1.0, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY,
                Double.MAX_VALUE, -Double.MAX_VALUE, Double.MIN_VALUE, Double.MIN_NORMAL};
        return random -> switch (random.nextInt(4)) {
            case 0 -> edges[random.nextInt(edges.length)];
            case 1 -> Double.longBitsToDouble(random.nextLong());
            default -> (random.nextDouble() - 0.5) * Math.pow(10, random.nextInt(13) - 6);
        };
    }
}
