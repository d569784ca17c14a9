package io.trainscope.app.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.DynamicMessage;
import com.google.protobuf.TextFormat;
import io.trainscope.app.LiveRun;
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

    /** The RPCs that change the run when they succeed; most requests go to them. */
    private static final List<ServedMethods.Rpc> CHANGING = List.of("ExperimentCommand", "EditDataSample",
            "RestoreCheckpoint", "RenameExperimentRun", "SetExperimentRunNotes", "TriggerEvaluation", "CancelEvaluation")
            .stream().map(m -> ServedMethods.named("ExperimentService/" + m)).toList();
    private static final List<ServedMethods.Rpc> UNARY = ServedMethods.ALL.stream()
            .filter(r -> !r.clientStreaming() && !r.serverStreaming()).toList();
    private static final ServedMethods.Rpc SEND_CONTROL = ServedMethods.named("trainscope.v1.MetricsService/SendControl");

    private final FuzzedServer server;
    private StateFingerprint last;
    private long refused;

    RefusalCheck(FuzzedServer server) {
        this.server = server;
    }

    void check(Random random, String property) throws Exception {
        ServedMethods.Rpc rpc = pick(random);
        DynamicMessage request = new RandomRequests(random, server.known()).message(rpc.proto().getInputType());
        byte[] bytes = request.toByteArray();
        if (FuzzedServer.wouldStop(rpc, bytes)) {
            return;
        }
        StateFingerprint before = last != null ? last : StateFingerprint.of(server.experiment());
        RawCalls.Answer answer = RawCalls.call(server.channel(), rpc, List.of(bytes), false,
                HostileRequestsFuzzTest.DEADLINE).get(HostileRequestsFuzzTest.DEADLINE.toSeconds() + 10, TimeUnit.SECONDS);
        String described = answer + " for " + TextFormat.shortDebugString(request);
        boolean specific = answer.specific();
        FuzzTally.add(property, 1, specific ? 0 : 1);
        assertThat(specific).as("a specific status: %s", described).isTrue();
        if (answer.refused()) {
            refused++;
            StateFingerprint after = StateFingerprint.of(server.experiment());
            assertThat(after).as("the run after a refused request: %s", described).isEqualTo(before);
            last = after;
        } else {
            settle();
        }
    }

    long refused() {
        return refused;
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
