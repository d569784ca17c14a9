package io.trainscope.app.fuzz.property;

import static java.util.Objects.requireNonNull;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Checks one input of a {@link Property}: completes with {@code null} when the input passes, or
 * with a sentence saying what is wrong. A check that throws (an AssertJ assertion, say), or whose
 * stage completes exceptionally, fails with that error's message.
 */
@FunctionalInterface
public interface Check<T> {

    CompletionStage<String> problem(T input) throws Exception;

    /** A check that does its work on the calling thread: for properties that send one input at a time. */
    static <T> Check<T> blocking(Blocking<T> check) {
        requireNonNull(check, "check");
        return input -> CompletableFuture.completedFuture(check.problem(input));
    }

    /** The body of a {@link #blocking} check: returns {@code null} when the input passes, else what is wrong. */
    @FunctionalInterface
    interface Blocking<T> {
        String problem(T input) throws Exception;
    }
}
