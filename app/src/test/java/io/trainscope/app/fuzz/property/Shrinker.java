package io.trainscope.app.fuzz.property;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * Proposes smaller versions of a failing input, most promising first: {@link Property} keeps the
 * first that still fails and asks again, until none fails, and reports the smallest.
 */
@FunctionalInterface
public interface Shrinker<T> {

    List<T> smaller(T failing);

    /** Proposes nothing: the failing input is reported as it was generated. */
    static <T> Shrinker<T> none() {
        return failing -> List.of();
    }

    /** For a list: its first and second halves, then the list without one element, for each element. */
    static <E> Shrinker<List<E>> elements() {
        return failing -> {
            List<List<E>> out = new ArrayList<>();
            int size = failing.size();
            if (size >= 2) {
                out.add(List.copyOf(failing.subList(0, size / 2)));
                out.add(List.copyOf(failing.subList(size / 2, size)));
            }
            for (int i = 0; i < size; i++) {
                List<E> without = new ArrayList<>(failing);
                without.remove(i);
                out.add(without);
            }
            return out;
        };
    }

    /**
     * Shrinks a whole by shrinking one of its parts: {@code part} reads the part, {@code with}
     * makes a copy of the whole with another part.
     */
    default <W> Shrinker<W> onto(Function<W, T> part, BiFunction<W, T, W> with) {
        requireNonNull(part, "part");
        requireNonNull(with, "with");
        return whole -> smaller(part.apply(whole)).stream().map(p -> with.apply(whole, p)).toList();
    }
}
