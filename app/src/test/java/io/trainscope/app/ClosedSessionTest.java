package io.trainscope.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.trainscope.djl.data.GeneratedShapes;
import io.trainscope.djl.data.ImageDataset;
import io.trainscope.djl.train.TrainingOptions;
import io.trainscope.proto.weightslab.DataSamplesRequest;
import io.trainscope.proto.weightslab.Empty;
import io.trainscope.proto.weightslab.ExperimentServiceGrpc;
import io.trainscope.server.ServerSettings;
import io.trainscope.server.TrainingSession;
import java.lang.management.ManagementFactory;
import java.lang.ref.WeakReference;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * What a closed session leaves behind: none of its threads, and not its data, although Armeria's
 * process-wide route cache keeps a stopped server's services (and so the experiment) reachable.
 */
class ClosedSessionTest {

    /** Every thread our code starts is named with one of these. */
    private static final List<String> OUR_THREADS = List.of("trainscope-", "thumbnails-", "samples-writer",
            "signals-writer", "checkpoint-writer");
    /** 63 MB of pixels: a closed session that kept them would show in the heap at once. */
    private static final int TRAIN_IMAGES = 20_000;

    @Test
    void aClosedSessionLeavesNoThreadOfItsOwnRunning() throws Exception {
        Set<Thread> before = Thread.getAllStackTraces().keySet();
        trainServeAndClose(GeneratedShapes.create("shapes/train", 2_000, 1));

        List<String> left = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> !before.contains(t) && t.isAlive())
                .map(Thread::getName)
                .filter(name -> OUR_THREADS.stream().anyMatch(name::startsWith))
                .toList();
        assertThat(left).as("threads of the closed session still alive").isEmpty();
    }

    @Test
    void aClosedSessionsTrainingDataCanBeCollectedThoughItsServerAnsweredCalls() throws Exception {
        ImageDataset train = GeneratedShapes.create("shapes/train", 2_000, 1);
        WeakReference<ImageDataset> data = new WeakReference<>(train);
        trainServeAndClose(train);
        train = null; // only the closed session, and whatever still holds it, can keep the pixels now

        for (int i = 0; i < 20 && data.get() != null; i++) {
            System.gc();
            Thread.sleep(100);
        }
        assertThat(data.get()).as("the closed session's training images").isNull();
    }

    @Test
    void fiveSessionsOpenedAndClosedLeaveTheHeapWhereOneLeftIt() throws Exception {
        trainServeAndClose(GeneratedShapes.create("shapes/train", TRAIN_IMAGES, 1));
        long afterOne = usedHeapAfterGc();
        for (int i = 0; i < 4; i++) {
            trainServeAndClose(GeneratedShapes.create("shapes/train", TRAIN_IMAGES, 1));
        }
        long afterFive = usedHeapAfterGc();

        assertThat((afterFive - afterOne) >> 20).as("MB more after five sessions than after one")
                .isLessThan(30); // one session's images alone are 63 MB
    }

    /** A few real training steps, a few calls to the server (as any client makes), then close. */
    private static void trainServeAndClose(ImageDataset train) throws Exception {
        TrainingSession session = TrainingSession.start(train, GeneratedShapes.create("shapes/test", 200, 2),
                TrainingOptions.epochs(20), LiveRun.BATCH_SIZE, 1e-3f, false, ServerSettings.loopback(),
                LiveRun.runDirectory());
        try {
            LiveRun.await("a few steps", () -> session.experiment().step() >= 10, 60);
            ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", session.server().port())
                    .usePlaintext().build();
            try {
                var stub = ExperimentServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
                stub.getDataSplits(Empty.getDefaultInstance());
                stub.getDataSamples(DataSamplesRequest.newBuilder().setStartIndex(0).setRecordsCnt(16)
                        .setIncludeRawData(true).build());
            } finally {
                channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
        } finally {
            session.close();
        }
    }

    private static long usedHeapAfterGc() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
