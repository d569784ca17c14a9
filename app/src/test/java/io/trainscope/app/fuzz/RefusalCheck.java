package io.trainscope.app.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.DynamicMessage;
import com.google.protobuf.TextFormat;
import io.trainscope.app.LiveRun;
import io.trainscope.app.fuzz.property.Gen;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * One request at a time against a paused run: when the server refuses it (success=false or a
 * non-OK status), nothing a person can see has changed ({@link StateFingerprint}). Accepted
 * requests may change the run; the check then settles it (paused, baseline hyperparameters, no
 * evaluation running) and takes the new fingerprint as the next one to compare with.
 */
final class RefusalCheck {

    /** One request: the RPC and the message sent. */
    record Request(ServedMethods.Rpc rpc, DynamicMessage message) {
        @Override
        public String toString() {
            return rpc.name() + ": " + TextFormat.shortDebugString(message);
        }
    }

    /** The RPCs that change the run when they succeed; most requests go to them. */
    private static final List<ServedMethods.Rpc> CHANGING = List.of("ExperimentCommand", "EditDataSample",
            "RestoreCheckpoint", "RenameExperimentRun", "SetExperimentRunNotes", "TriggerEvaluation", "CancelEvaluation")
            .stream().map(m -> ServedMethods.named("ExperimentService/" + m)).toList();
    private static final List<ServedMethods.Rpc> UNARY = ServedMethods.ALL.stream()
            .filter(r -> !r.clientStreaming() && !r.serverStreaming()).toList();
    private static final ServedMethods.Rpc SEND_CONTROL = ServedMethods.named("trainscope.v1.MetricsService/SendControl");

    private final FuzzedServer server;
    private StateFingerprint last;

    RefusalCheck(FuzzedServer server) {
        this.server = server;
    }

    /** Requests to the RPCs that change the run (mostly), aimed at what the server knows at the time. */
    Gen<Request> requests() {
        Gen<Request> requests = random -> {
            ServedMethods.Rpc rpc = pick(random);
            return new Request(rpc, new RandomRequests(random, server.known()).message(rpc.proto().getInputType()));
        };
        return requests.filter(r -> !FuzzedServer.wouldStop(r.rpc(), r.message().toByteArray()));
    }

    /** Sends {@code request} and asserts that a refusal left the run as it was; returns null when it did. */
    String problem(Request request) throws Exception {
        StateFingerprint before = last != null ? last : StateFingerprint.of(server.experiment());
        RawCalls.Answer answer = RawCalls.call(server.fuzzChannel(), request.rpc(), List.of(request.message().toByteArray()),
                false, HostileRequestsFuzzTest.DEADLINE).get(HostileRequestsFuzzTest.DEADLINE.toSeconds() + 10,
                TimeUnit.SECONDS);
        if (!answer.specific()) {
            return "not a specific status: " + answer;
        }
        if (answer.refused()) {
            StateFingerprint after = StateFingerprint.of(server.experiment());
            last = after;
            assertThat(after).as("the run after a refused request (%s)", answer).isEqualTo(before);
        } else {
            settle();
        }
        return null;
    }

    /** After an accepted request: paused again, baseline hyperparameters, nothing queued, table written. */
    private void settle() throws Exception {
        server.restoreBaselineIfChanged(false);
        LiveRun.await("the step-boundary queue drains", () -> server.experiment().gate().pendingCommands() == 0, 60);
        server.experiment().samples().flush().get(30, TimeUnit.SECONDS);
        last = StateFingerprint.of(server.experiment());
    }

    private static ServedMethods.Rpc pick(Random random) {
        int choice = random.nextInt(10);
        if (choice < 6) {
            return CHANGING.get(random.nextInt(CHANGING.size()));
        }
        return choice < 7 ? SEND_CONTROL : UNARY.get(random.nextInt(UNARY.size()));
    }
}
