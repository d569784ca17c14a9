package io.trainscope.app.fuzz.property;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * A property: inputs drawn from a {@link Gen}, a {@link Check} each must pass, and how many to
 * try. A plain JUnit test runs it; it prints {@code fuzz: <name>: N inputs, F failures (seed S)}
 * and fails with the seed, each failing try's index and its input, shrunk when a {@link Shrinker}
 * is given.
 *
 * <pre>{@code
 * Property.forAll("garbled bytes", calls).tries(50_000).inFlight(64).within(Duration.ofSeconds(40))
 *         .check(call -> send(call).thenApply(answer -> answer.specific() ? null : answer.toString()));
 * }</pre>
 */
public final class Property<T> {

    /** Re-runs one try of each property, e.g. {@code -Dfuzz.seed=42 -Dfuzz.try=417}. */
    public static final String TRY_PROPERTY = "fuzz.try";
    /** Failures past this many stop the property: more would repeat the first ones, slowly. */
    static final int MAX_FAILURES = 10;
    /** Checks that shrinking may spend on one failure. */
    static final int MAX_SHRINK_CHECKS = 500;
    /** Failures reported in full (the others are counted). */
    private static final int REPORTED = 3;
    private static final int DESCRIPTION_LIMIT = 600;

    /** Work done between tries with nothing in flight, so the next tries find the system as they expect. */
    @FunctionalInterface
    public interface Settle {
        void run() throws Exception;
    }

    private record Failure<T>(int tryIndex, T input, String problem) {}

    private final String name;
    private final Gen<T> gen;
    private int tries = 100;
    private int inFlight = 1;
    private Duration within = Duration.ofMinutes(1);
    private Shrinker<T> shrinker = Shrinker.none();
    private Function<? super T, String> describe = String::valueOf;
    private int settleEvery;
    private Settle settle = () -> { };
    private Tally tally = new Tally();

    private Property(String name, Gen<T> gen) {
        this.name = requireNonNull(name, "name");
        this.gen = requireNonNull(gen, "gen");
    }

    /** A property named {@code name} (as printed) over inputs from {@code gen}. */
    public static <T> Property<T> forAll(String name, Gen<T> gen) {
        return new Property<>(name, gen);
    }

    public Property<T> tries(int count) {
        this.tries = positive(count, "tries");
        return this;
    }

    /** At most {@code count} checks running at once (1, the default, checks one input after the other). */
    public Property<T> inFlight(int count) {
        this.inFlight = positive(count, "inFlight");
        return this;
    }

    /** A check that has not answered after {@code limit} fails as a hang. */
    public Property<T> within(Duration limit) {
        this.within = requireNonNull(limit, "limit");
        return this;
    }

    public Property<T> shrinkingWith(Shrinker<T> shrinker) {
        this.shrinker = requireNonNull(shrinker, "shrinker");
        return this;
    }

    /** How an input reads in a failure report (its {@code toString} by default). */
    public Property<T> describedBy(Function<? super T, String> describe) {
        this.describe = requireNonNull(describe, "describe");
        return this;
    }

    /** Runs {@code settle} after every {@code tries} tries, once the checks in flight have finished. */
    public Property<T> settlingEvery(int tries, Settle settle) {
        this.settleEvery = positive(tries, "tries");
        this.settle = requireNonNull(settle, "settle");
        return this;
    }

    /** Adds this property's counts to {@code tally}, for a class's total line. */
    public Property<T> countedIn(Tally tally) {
        this.tally = requireNonNull(tally, "tally");
        return this;
    }

    /** Checks every input; throws an AssertionError naming the seed and the failing tries if any failed. */
    public void check(Check<T> check) throws Exception {
        requireNonNull(check, "check");
        long start = System.nanoTime();
        Semaphore slots = new Semaphore(inFlight);
        AtomicLong checked = new AtomicLong();
        List<Failure<T>> failures = new ArrayList<>();
        String only = System.getProperty(TRY_PROPERTY);
        int first = only == null || only.isBlank() ? 0 : Integer.parseInt(only.trim());
        int last = only == null || only.isBlank() ? tries : first + 1;
        for (int index = first; index < last && failuresSoFar(failures) < MAX_FAILURES; index++) {
            if (settleEvery > 0 && index > first && (index - first) % settleEvery == 0) {
                drain(slots);
                settle.run();
                slots.release(inFlight);
            }
            int tryIndex = index;
            T input;
            try {
                input = gen.next(Seeds.forTry(name, tryIndex));
            } catch (RuntimeException e) {
                drain(slots);
                throw new AssertionError(name + ": generating try " + tryIndex + " (seed " + Seeds.run() + ") threw", e);
            }
            slots.acquire();
            verdict(check, input).thenAccept(problem -> {
                checked.incrementAndGet();
                if (problem != null) {
                    synchronized (failures) {
                        failures.add(new Failure<>(tryIndex, input, problem));
                    }
                }
                slots.release();
            });
        }
        drain(slots);
        failures.sort(Comparator.comparingInt(Failure::tryIndex));
        tally.add(name, checked.get(), failures.size());
        System.out.printf("fuzz: %s: %d inputs, %d failures (seed %d) in %.1f s%n", name, checked.get(), failures.size(),
                Seeds.run(), (System.nanoTime() - start) / 1e9);
        if (!failures.isEmpty()) {
            throw new AssertionError(report(check, failures, checked.get()));
        }
    }

    private static int failuresSoFar(List<?> failures) {
        synchronized (failures) {
            return failures.size();
        }
    }

    /** The check's problem with {@code input}, or what it threw, or a hang: never completes exceptionally. */
    private CompletableFuture<String> verdict(Check<T> check, T input) {
        CompletableFuture<String> answer;
        try {
            answer = check.problem(input).toCompletableFuture().copy();
        } catch (Exception | AssertionError e) {
            return CompletableFuture.completedFuture(problemOf(e));
        }
        return answer.orTimeout(within.toMillis(), TimeUnit.MILLISECONDS)
                .handle((problem, error) -> error == null ? problem : problemOf(error));
    }

    private String problemOf(Throwable error) {
        Throwable cause = error;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        if (cause instanceof TimeoutException) {
            return "no answer within " + within.toSeconds() + " s (a hang)";
        }
        return cause instanceof AssertionError ? String.valueOf(cause.getMessage()) : cause.toString();
    }

    /** Waits for every check in flight (each ends within {@link #within}), keeping all slots. */
    private void drain(Semaphore slots) throws InterruptedException {
        if (!slots.tryAcquire(inFlight, within.toMillis() + 10_000, TimeUnit.MILLISECONDS)) {
            throw new AssertionError(name + ": checks still running " + within.toSeconds() + " s after their limit");
        }
    }

    private String report(Check<T> check, List<Failure<T>> failures, long checked) {
        long seed = Seeds.run();
        StringBuilder out = new StringBuilder(String.format("property \"%s\": %d of %d inputs failed (seed %d; re-run with"
                + " -D%s=%d, or one try alone with -D%s=%d -D%s=<try>)", name, failures.size(), checked, seed,
                Seeds.SEED_PROPERTY, seed, Seeds.SEED_PROPERTY, seed, TRY_PROPERTY));
        if (failures.size() >= MAX_FAILURES) {
            out.append(String.format("; stopped at the %dth failure", MAX_FAILURES));
        }
        for (Failure<T> failure : failures.subList(0, Math.min(REPORTED, failures.size()))) {
            out.append(String.format("%n  try %d: %s%n    -> %s", failure.tryIndex(), cut(describe.apply(failure.input())),
                    cut(failure.problem())));
            if (failure == failures.get(0)) {
                appendShrunk(out, check, failure);
            }
        }
        if (failures.size() > REPORTED) {
            out.append(String.format("%n  and %d more", failures.size() - REPORTED));
        }
        return out.toString();
    }

    /** Shrinks the first failure: keeps the first smaller input that still fails, until none does. */
    private void appendShrunk(StringBuilder out, Check<T> check, Failure<T> failure) {
        T smallest = failure.input();
        String problem = failure.problem();
        int steps = 0;
        int checks = 0;
        boolean smaller = true;
        while (smaller && checks < MAX_SHRINK_CHECKS) {
            smaller = false;
            for (T candidate : shrinker.smaller(smallest)) {
                if (++checks > MAX_SHRINK_CHECKS) {
                    break;
                }
                String found = verdict(check, candidate).join();
                if (found != null) {
                    smallest = candidate;
                    problem = found;
                    steps++;
                    smaller = true;
                    break;
                }
            }
        }
        if (steps > 0) {
            out.append(String.format("%n    smallest failing input (%d shrinking steps, %d checks): %s%n    -> %s", steps,
                    checks, cut(describe.apply(smallest)), cut(problem)));
        }
    }

    private static String cut(String text) {
        return text.length() > DESCRIPTION_LIMIT ? text.substring(0, DESCRIPTION_LIMIT) + "..." : text;
    }

    private static int positive(int value, String what) {
        if (value <= 0) {
            throw new IllegalArgumentException(what + " must be positive: " + value);
        }
        return value;
    }
}
