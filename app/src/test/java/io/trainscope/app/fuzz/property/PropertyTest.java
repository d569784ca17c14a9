package io.trainscope.app.fuzz.property;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The property harness: shrinking, seeds and single tries, the bound on checks in flight, hangs, counts. */
class PropertyTest {

    private static final Gen<List<String>> LETTERS = Gen.lists(Gen.of(List.of("a", "b", "c", "d", "x", "y")), 12);

    @Test
    void aFailingListShrinksToTheElementsThatMakeItFail() {
        assertThatThrownBy(() -> Property.forAll("x before y", LETTERS).tries(500).shrinkingWith(Shrinker.elements())
                .check(Check.blocking(tokens -> tokens.contains("x") && tokens.lastIndexOf("y") > tokens.indexOf("x")
                        ? "x comes before y" : null)))
                .hasMessageContaining("smallest failing input").hasMessageContaining(": [x, y]\n");
    }

    @Test
    void aFailureNamesTheSeedTheTryAndTheInput() {
        assertThatThrownBy(() -> Property.forAll("multiples of seven", Gen.ints(0, 1_000)).tries(200)
                .describedBy(n -> "the number " + n).check(Check.blocking(n -> n % 7 == 0 ? "divisible by 7" : null)))
                .hasMessageContaining("seed " + Seeds.run()).hasMessageContaining("-Dfuzz.seed=" + Seeds.run())
                .hasMessageMatching("(?s).*try \\d+: the number \\d+\\s+-> divisible by 7.*");
    }

    @Test
    void theSameSeedGivesTheSameInputsInTheSameTries() throws Exception {
        assertThat(inputsOf("repeatable")).isEqualTo(inputsOf("repeatable")).isNotEqualTo(inputsOf("another name"));
    }

    @Test
    void oneTryAloneGetsTheInputItHadInTheWholeRun() throws Exception {
        List<List<String>> whole = inputsOf("one try");
        System.setProperty(Property.TRY_PROPERTY, "17");
        try {
            assertThat(inputsOf("one try")).containsExactly(whole.get(17));
        } finally {
            System.clearProperty(Property.TRY_PROPERTY);
        }
    }

    @Test
    void noMoreChecksRunAtOnceThanAllowed() throws Exception {
        AtomicInteger running = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        Property.forAll("bounded", Gen.ints(0, 9)).tries(400).inFlight(8).check(n -> {
            most.accumulateAndGet(running.incrementAndGet(), Math::max);
            return CompletableFuture.supplyAsync(() -> {
                running.decrementAndGet();
                return null;
            }, CompletableFuture.delayedExecutor(1, TimeUnit.MILLISECONDS));
        });
        assertThat(most.get()).isBetween(2, 8);
    }

    @Test
    void aCheckThatNeverAnswersFailsAsAHang() {
        assertThatThrownBy(() -> Property.forAll("hangs", Gen.ints(0, 3)).tries(20).inFlight(4)
                .within(Duration.ofMillis(200)).check(n -> n == 3 ? new CompletableFuture<>()
                        : CompletableFuture.completedFuture(null)))
                .hasMessageContaining("a hang");
    }

    @Test
    void everyInputIsCountedInTheTally() throws Exception {
        Tally tally = new Tally();
        Property.forAll("counted", Gen.ints(0, 9)).tries(50).inFlight(4).countedIn(tally)
                .check(n -> CompletableFuture.completedFuture(null));
        assertThat(tally.inputs()).isEqualTo(50);
        assertThat(tally.failures()).isZero();
    }

    @Test
    void aPropertyStopsAfterTenFailures() {
        Tally tally = new Tally();
        assertThatThrownBy(() -> Property.forAll("always wrong", Gen.ints(0, 9)).tries(1_000).countedIn(tally)
                .check(Check.blocking(n -> "wrong")))
                .hasMessageContaining("10 of 10 inputs failed").hasMessageContaining("stopped at the 10th failure").hasMessageContaining("and 7 more");
        assertThat(tally.failures()).isEqualTo(Property.MAX_FAILURES);
    }

    @Test
    void settlingRunsWithNothingInFlight() throws Exception {
        AtomicInteger running = new AtomicInteger();
        List<Integer> runningWhenSettled = Collections.synchronizedList(new ArrayList<>());
        Property.forAll("settled", Gen.ints(0, 9)).tries(100).inFlight(4)
                .settlingEvery(10, () -> runningWhenSettled.add(running.get())).check(n -> {
                    running.incrementAndGet();
                    return CompletableFuture.supplyAsync(() -> {
                        running.decrementAndGet();
                        return null;
                    }, CompletableFuture.delayedExecutor(1, TimeUnit.MILLISECONDS));
                });
        assertThat(runningWhenSettled).hasSize(9).containsOnly(0);
    }

    @Test
    void stringsAreWellFormedUnicodeOfBoundedLength() throws Exception {
        Property.forAll("strings", Gen.strings(6)).tries(2_000).check(Check.blocking(text -> {
            assertThat(text.codePointCount(0, text.length())).isLessThanOrEqualTo(6);
            assertThat(text.codePoints().filter(c -> c >= 0xd800 && c <= 0xdfff)).as("lone surrogates").isEmpty();
            return null;
        }));
    }

    private static List<List<String>> inputsOf(String name) throws Exception {
        List<List<String>> seen = Collections.synchronizedList(new ArrayList<>());
        Property.forAll(name, LETTERS).tries(50).check(Check.blocking(tokens -> {
            seen.add(tokens);
            return null;
        }));
        return seen;
    }
}
