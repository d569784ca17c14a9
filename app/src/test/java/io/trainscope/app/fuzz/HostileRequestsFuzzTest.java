package io.trainscope.app.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.DynamicMessage;
import com.google.protobuf.TextFormat;
import io.trainscope.core.control.RunStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.From;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.Property;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.AfterProperty;
import net.jqwik.api.lifecycle.AfterTry;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.lifecycle.BeforeProperty;

/**
 * Random and malformed requests to every RPC of every service, against a real training: the
 * server answers each with OK or a status that says what is wrong (never UNKNOWN or INTERNAL),
 * within a deadline, keeps serving, and the training goes on. Many calls are in flight at once.
 */
class HostileRequestsFuzzTest {

    static final Duration DEADLINE = Duration.ofSeconds(30);
    private static final int CALLS_PER_TRY = 64;

    private static FuzzedServer server;
    private static RefusalCheck refusals;
    private static long propertyStart;

    @BeforeContainer
    static void start() throws Exception {
        server = FuzzedServer.start();
        refusals = new RefusalCheck(server);
    }

    static final java.util.Map<String, Long> SLOW = new java.util.concurrent.ConcurrentHashMap<>();

    @AfterContainer
    static void stop() throws Exception {
        SLOW.entrySet().stream().sorted(java.util.Map.Entry.<String, Long>comparingByValue().reversed()).limit(15)
                .forEach(e -> System.out.println("SLOWEST " + e));
        FuzzTally.printTotal();
        if (server != null) {
            server.close();
        }
    }

    /** Whether the training runs during the current property (the CPU-heavy ones run against a paused one). */
    private static volatile boolean training;

    @BeforeProperty
    void startClock() {
        propertyStart = System.nanoTime();
    }

    /** Puts the run in the property's mode once, at its first try. */
    private static void train(boolean value) throws Exception {
        if (training != value || server.experiment().gate().isPaused() == value) {
            training = value;
            server.restoreBaseline(value);
        }
    }

    @AfterTry
    void backToBaseline() throws Exception {
        server.restoreBaselineIfChanged(training);
    }

    @AfterProperty
    void trainingWentOn() throws Exception {
        FuzzTally.print(FuzzTally.last(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - propertyStart));
        server.restoreBaseline(true);
        long before = server.experiment().step();
        FuzzedServer.awaitSteps(server.experiment(), before + 5);
        assertThat(server.experiment().status()).isIn(RunStatus.RUNNING, RunStatus.PAUSED);
        assertThat(server.healthy()).as("the server answers a plain call after the fuzz").isTrue();
    }

    @Property(tries = 300, shrinking = ShrinkingMode.OFF)
    void everyRpcAnswersRandomRequestsWithASpecificStatus(@ForAll Random random) throws Exception {
        train(true);
        RandomRequests requests = new RandomRequests(random, server.known());
        List<Call> calls = new ArrayList<>();
        while (calls.size() < CALLS_PER_TRY) {
            ServedMethods.Rpc rpc = ServedMethods.ALL.get(random.nextInt(ServedMethods.ALL.size()));
            DynamicMessage message = requests.message(rpc.proto().getInputType());
            Call call = Call.of(rpc, messages(random, rpc, message.toByteArray()), random, message);
            if (!call.wouldStop()) {
                calls.add(call);
            }
        }
        assertAllSpecific("random requests", calls);
    }

    @Property(tries = 800, shrinking = ShrinkingMode.OFF)
    void everyRpcRefusesGarbledBytesWithASpecificStatus(@ForAll Random random) throws Exception {
        train(false);
        RandomRequests requests = new RandomRequests(random, server.known());
        List<Call> calls = new ArrayList<>();
        while (calls.size() < CALLS_PER_TRY) {
            ServedMethods.Rpc rpc = ServedMethods.ALL.get(random.nextInt(ServedMethods.ALL.size()));
            // Now and then, a well-formed message of another RPC's type.
            ServedMethods.Rpc typeOf = random.nextInt(5) == 0
                    ? ServedMethods.ALL.get(random.nextInt(ServedMethods.ALL.size())) : rpc;
            byte[] bytes = random.nextInt(5) == 0 ? requests.message(typeOf.proto().getInputType()).toByteArray()
                    : requests.garbled(typeOf.proto().getInputType());
            Call call = Call.of(rpc, messages(random, rpc, bytes), random, null);
            if (!call.wouldStop()) {
                calls.add(call);
            }
        }
        assertAllSpecific("garbled bytes", calls);
    }

    @Property(tries = 250, shrinking = ShrinkingMode.OFF)
    void malformedGrpcFramingIsRefusedWithAStatus(@ForAll Random random) throws Exception {
        train(false);
        RandomRequests requests = new RandomRequests(random, server.known());
        MalformedFrames frames = new MalformedFrames(server.port(), random);
        List<CompletableFuture<MalformedFrames.Reply>> replies = new ArrayList<>();
        for (int i = 0; i < CALLS_PER_TRY; i++) {
            ServedMethods.Rpc rpc = ServedMethods.ALL.get(random.nextInt(ServedMethods.ALL.size()));
            byte[] message = random.nextBoolean() ? requests.message(rpc.proto().getInputType()).toByteArray()
                    : requests.garbled(rpc.proto().getInputType());
            if (FuzzedServer.wouldStop(rpc, message)) {
                continue;
            }
            replies.add(frames.send(rpc, message));
        }
        CompletableFuture.allOf(replies.toArray(CompletableFuture[]::new)).get(DEADLINE.toSeconds() + 10, TimeUnit.SECONDS);
        List<MalformedFrames.Reply> bad = replies.stream().map(CompletableFuture::join).filter(r -> !r.specific()).toList();
        FuzzTally.add("malformed framing", replies.size(), bad.size());
        assertThat(bad).as("requests answered with 5xx, UNKNOWN or INTERNAL").isEmpty();
    }

    @Property(tries = 1000, shrinking = ShrinkingMode.OFF)
    void refusedRequestsLeaveTheRunAsItWas(@ForAll Random random) throws Exception {
        train(false);
        refusals.check(random, "refusals change nothing");
    }

    @Property(tries = 300)
    void anyQueryIsAppliedOrRefusedWithAMessage(@ForAll @Size(32) List<@From("queries") String> queries) throws Exception {
        train(false);
        List<String> bad = QuerySoup.send(server.channel(), queries, FuzzedServer.TRAIN + FuzzedServer.TEST);
        FuzzTally.add("query token soup", queries.size() * 2L, bad.size());
        assertThat(bad).as("queries or histogram columns answered without a specific status or message").isEmpty();
    }

    @Provide
    Arbitrary<String> queries() {
        return QuerySoup.queries();
    }

    /** Usually one message; a unary call now and then gets none or two, a client stream up to four. */
    private static List<byte[]> messages(Random random, ServedMethods.Rpc rpc, byte[] first) {
        if (rpc.clientStreaming()) {
            List<byte[]> out = new ArrayList<>(List.of(first));
            for (int i = random.nextInt(4); i > 0; i--) {
                out.add(first);
            }
            return out;
        }
        return switch (random.nextInt(25)) {
            case 0 -> List.of();
            case 1 -> List.of(first, first);
            default -> List.of(first);
        };
    }

    private static void assertAllSpecific(String property, List<Call> calls) throws Exception {
        List<RawCalls.Answer> answers = Call.sendAll(server, calls);
        List<String> bad = new ArrayList<>();
        for (int i = 0; i < answers.size(); i++) {
            if (!answers.get(i).specific()) {
                bad.add(answers.get(i) + " for " + calls.get(i).describe());
            }
        }
        FuzzTally.add(property, calls.size(), bad.size());
        for (RawCalls.Answer a : answers) {
            SLOW.merge(a.rpc().name(), a.nanos() / 1_000_000, Math::max);
        }
        assertThat(bad).as("calls answered with UNKNOWN, INTERNAL, or not within %s", DEADLINE).isEmpty();
    }

    /** One fuzz call: the RPC, the messages sent, whether the client keeps its side open, what was meant. */
    record Call(ServedMethods.Rpc rpc, List<byte[]> messages, boolean keepOpen, DynamicMessage meant) {
        static Call of(ServedMethods.Rpc rpc, List<byte[]> messages, Random random, DynamicMessage meant) {
            return new Call(rpc, messages, rpc.clientStreaming() && random.nextBoolean(), meant);
        }

        boolean wouldStop() {
            return messages.stream().anyMatch(m -> FuzzedServer.wouldStop(rpc, m));
        }

        String describe() {
            String text = messages.size() + " message(s)" + (keepOpen ? ", kept open" : "") + ": "
                    + (meant == null ? messages.stream().mapToInt(m -> m.length).sum() + " garbled bytes"
                            : TextFormat.shortDebugString(meant));
            return text.length() > 400 ? text.substring(0, 400) + "..." : text;
        }

        static List<RawCalls.Answer> sendAll(FuzzedServer server, List<Call> calls) throws Exception {
            List<CompletableFuture<RawCalls.Answer>> answers = calls.stream()
                    .map(c -> RawCalls.call(server.channel(), c.rpc(), c.messages(), c.keepOpen(), DEADLINE)).toList();
            CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new)).get(DEADLINE.toSeconds() + 10, TimeUnit.SECONDS);
            return answers.stream().map(CompletableFuture::join).toList();
        }
    }
}
