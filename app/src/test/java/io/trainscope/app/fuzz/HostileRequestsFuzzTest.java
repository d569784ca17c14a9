package io.trainscope.app.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import io.trainscope.app.fuzz.property.Check;
import io.trainscope.app.fuzz.property.Gen;
import io.trainscope.app.fuzz.property.Property;
import io.trainscope.app.fuzz.property.Tally;
import io.trainscope.core.control.RunStatus;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Random and malformed requests to every RPC of every service, against a real training: the
 * server answers each with OK or a status that says what is wrong (never UNKNOWN or INTERNAL),
 * within a deadline, keeps serving, and the training goes on. Many calls are in flight at once.
 * Run with {@code -Dfuzz.seed=S} to send again exactly the inputs of an earlier run.
 */
class HostileRequestsFuzzTest {

    static final Duration DEADLINE = Duration.ofSeconds(30);
    /** A check with no verdict by then hangs: the call's deadline plus time for its answer to arrive. */
    private static final Duration HANG = DEADLINE.plusSeconds(15);
    private static final int IN_FLIGHT = 64;
    /** Tries between two settlings (baseline put back, what the server knows read again). */
    private static final int SETTLE_EVERY = 1_000;
    /** What the issue asks of one {@code mvn verify}. */
    private static final long REQUIRED_INPUTS = 100_000;
    private static final int PROPERTIES = 5;
    private static final Tally TALLY = new Tally();

    private static FuzzedServer server;
    private static RefusalCheck refusals;
    private static volatile RandomRequests.Known known;

    @BeforeAll
    static void start() throws Exception {
        server = FuzzedServer.start();
        refusals = new RefusalCheck(server);
        known = server.known();
    }

    @AfterAll
    static void stop() throws Exception {
        TALLY.printTotal();
        if (server != null) {
            server.close();
            server = null; // the class stays loaded after its tests: let the closed session go
            refusals = null; // it holds the server too
        }
        boolean wholeRun = TALLY.properties().size() == PROPERTIES && System.getProperty(Property.TRY_PROPERTY) == null;
        if (wholeRun && TALLY.failures() == 0) {
            assertThat(TALLY.inputs()).as("inputs of the whole suite").isGreaterThanOrEqualTo(REQUIRED_INPUTS);
        }
    }

    @AfterEach
    void trainingWentOn() throws Exception {
        server.restoreBaseline(true);
        long before = server.experiment().step();
        FuzzedServer.awaitSteps(server.experiment(), before + 5);
        assertThat(server.experiment().status()).isIn(RunStatus.RUNNING, RunStatus.PAUSED);
        assertThat(server.healthy()).as("the server answers a plain call after the fuzz").isTrue();
    }

    @Test
    void everyRpcAnswersRandomRequestsWithASpecificStatus() throws Exception {
        calls("random requests", FuzzCall.randomRequests(() -> known), 16_000, true);
    }

    @Test
    void everyRpcRefusesGarbledBytesWithASpecificStatus() throws Exception {
        calls("garbled bytes", FuzzCall.garbledBytes(() -> known), 60_000, false);
    }

    @Test
    void malformedGrpcFramingIsRefusedWithAStatus() throws Exception {
        server.restoreBaseline(false);
        MalformedFrames frames = new MalformedFrames(server.port());
        Property.forAll("malformed framing", MalformedFrames.frames(() -> known)).tries(20_000).inFlight(IN_FLIGHT)
                .within(HANG).settlingEvery(SETTLE_EVERY, () -> settle(false)).countedIn(TALLY)
                .check(frame -> frames.send(frame).thenApply(reply -> reply.specific() ? null
                        : "answered with 5xx, UNKNOWN or INTERNAL: " + reply));
    }

    @Test
    void refusedRequestsLeaveTheRunAsItWas() throws Exception {
        server.restoreBaseline(false);
        Property.forAll("refusals change nothing", refusals.requests()).tries(1_000).within(HANG).countedIn(TALLY)
                .check(Check.blocking(refusals::problem));
    }

    @Test
    void anyQueryIsAppliedOrRefusedWithAMessage() throws Exception {
        server.restoreBaseline(false);
        Property.forAll("query token soup", QuerySoup.queries()).tries(8_000).inFlight(IN_FLIGHT).within(HANG)
                .shrinkingWith(QuerySoup.shrinker()).countedIn(TALLY)
                .check(query -> QuerySoup.check(server.fuzzChannel(), query, FuzzedServer.TRAIN + FuzzedServer.TEST));
    }

    /** Sends {@code tries} calls, 64 at a time, to a run that trains or is paused: each answered with a specific status. */
    private static void calls(String name, Gen<FuzzCall> calls, int tries,
            boolean training) throws Exception {
        server.restoreBaseline(training);
        Property.forAll(name, calls).tries(tries).inFlight(IN_FLIGHT).within(HANG).describedBy(FuzzCall::describe)
                .settlingEvery(SETTLE_EVERY, () -> settle(training)).countedIn(TALLY)
                .check(call -> call.send(server, DEADLINE).thenApply(answer -> answer.specific() ? null
                        : "answered with UNKNOWN, INTERNAL, or not within " + DEADLINE + ": " + answer));
    }

    /** Puts back what accepted requests changed that would slow the next ones, and reads what the server knows. */
    private static void settle(boolean training) throws Exception {
        server.restoreBaselineIfChanged(training);
        known = server.known();
    }
}
