package io.trainscope.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.trainscope.core.samples.SampleKey;
import io.trainscope.core.samples.SampleRecord;
import io.trainscope.core.samples.SampleStore;
import io.trainscope.proto.weightslab.DataEditsRequest;
import io.trainscope.proto.weightslab.DataEditsResponse;
import io.trainscope.proto.weightslab.ExperimentServiceGrpc;
import io.trainscope.server.TrainingSession;
import io.trainscope.server.auth.AccessTokens;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * While a real training runs: a sample discarded over gRPC is never drawn by a step that starts
 * after the reply, and is drawn again after it is restored.
 */
class DiscardDuringTrainingTest {

    private static final int TRAIN = 4_000;
    /** One in ten of the training samples, so each epoch would draw them about 400 times. */
    private static final int DISCARDED = 400;
    private static TrainingSession session;
    private static ManagedChannel channel;

    @BeforeAll
    static void start() throws Exception {
        session = LiveRun.shapes(AccessTokens.none(), false, TRAIN);
        channel = NettyChannelBuilder.forAddress("127.0.0.1", session.server().port()).usePlaintext().build();
        LiveRun.await("training runs", () -> session.experiment().step() > 20, 60);
    }

    @AfterAll
    static void stop() throws Exception {
        channel.shutdownNow();
        session.close();
        session = null; // the class stays loaded after its tests: let the closed session go
    }

    private static DataEditsResponse setDiscarded(List<Long> ids, boolean discarded) {
        DataEditsRequest.Builder request = DataEditsRequest.newBuilder().setStatName("discarded").setBoolValue(discarded);
        ids.forEach(id -> request.addSamplesIds(Long.toString(id)).addSampleOrigins("train"));
        return ExperimentServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS)
                .editDataSample(request.build());
    }

    /** The last step at which each sample was drawn (0 when never). */
    private static List<Long> lastDrawn(List<Long> ids) {
        SampleStore samples = session.experiment().samples();
        samples.flush().join();
        List<Long> steps = new ArrayList<>();
        for (long id : ids) {
            SampleRecord row = samples.views().find(new SampleKey("train", id)).orElseThrow();
            steps.add(row.lastStep() == null ? 0 : row.lastStep());
        }
        return steps;
    }

    @Test
    void discardedSamplesAreNotDrawnAfterTheReplyAndAreDrawnAgainAfterRestore() throws Exception {
        List<Long> ids = new ArrayList<>();
        for (long id = 0; id < TRAIN && ids.size() < DISCARDED; id += 10) {
            ids.add(id);
        }
        DataEditsResponse discard = setDiscarded(ids, true);
        assertThat(discard.getSuccess()).as(discard.getMessage()).isTrue();
        // The step running when the reply came may have drawn its batch just before; every later one starts after.
        long replyStep = session.experiment().step() + 1;
        long stepsPerEpoch = TRAIN / 32;
        LiveRun.await("more than an epoch trained after the discard",
                () -> session.experiment().step() > replyStep + stepsPerEpoch + 10, 120);
        assertThat(lastDrawn(ids)).allSatisfy(step -> assertThat(step).isLessThanOrEqualTo(replyStep));

        DataEditsResponse restore = setDiscarded(ids, false);
        assertThat(restore.getSuccess()).as(restore.getMessage()).isTrue();
        long restoreStep = session.experiment().step() + 1;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (!lastDrawn(ids).stream().allMatch(step -> step > restoreStep)) { // 400 reads: look twice a second
            assertThat(System.nanoTime()).as("every restored sample drawn again within 120 s").isLessThan(deadline);
            Thread.sleep(500);
        }
    }
}
