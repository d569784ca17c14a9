package io.trainscope.djl.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What the kernel says each thread may run on, read from /proc, while a split is on and after. */
class CoreSplitTest {

    private CoreSplit split;

    @AfterEach
    void end() {
        if (split != null) {
            split.close();
        }
    }

    @Test
    void theTrainingThreadAloneRunsOnTheTrainingCoresAndEveryOtherThreadOnTheRest() throws Exception {
        assumeThat(Runtime.getRuntime().availableProcessors()).as("a split needs two cores").isGreaterThanOrEqualTo(2);
        List<Integer> before = allowedCores(tid());
        split = CoreSplit.start(1).orElseThrow();

        assertThat(split.trainingCores()).containsExactly(before.get(before.size() - 1));
        assertThat(split.observatoryCores()).isEqualTo(before.subList(0, before.size() - 1));
        CompletableFuture<List<Integer>> trainingCores = new CompletableFuture<>();
        CompletableFuture<Integer> startedByTraining = new CompletableFuture<>();
        CountDownLatch done = new CountDownLatch(1);
        Thread training = new Thread(() -> {
            CoreSplit.joinTraining();
            trainingCores.complete(allowedCores(tid()));
            Thread helper = new Thread(() -> {
                startedByTraining.complete(tid());
                awaitQuietly(done);
            }, "checkpoint-writer");
            helper.start();
            awaitQuietly(done);
        }, "trainscope-training");
        training.start();
        try {
            assertThat(trainingCores.get(10, TimeUnit.SECONDS)).isEqualTo(split.trainingCores());
            assertThat(allowedCores(tid())).as("this test's thread").isEqualTo(split.observatoryCores());
            int helper = startedByTraining.get(10, TimeUnit.SECONDS);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (!allowedCores(helper).equals(split.observatoryCores()) && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(allowedCores(helper)).as("a thread the training thread started, after a sweep")
                    .isEqualTo(split.observatoryCores());
        } finally {
            done.countDown();
            training.join(10_000);
        }
        split.close();
        split = null;
        assertThat(allowedCores(tid())).as("after close").isEqualTo(before);
    }

    private static int tid() {
        try {
            return Integer.parseInt(Path.of("/proc/thread-self").toRealPath().getFileName().toString());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The kernel's Cpus_allowed_list of thread {@code tid} of this process, e.g. "0-1,3". */
    private static List<Integer> allowedCores(int tid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/task/" + tid + "/status"))) {
                if (line.startsWith("Cpus_allowed_list:")) {
                    List<Integer> cores = new ArrayList<>();
                    for (String part : line.substring(line.indexOf(':') + 1).strip().split(",")) {
                        String[] range = part.split("-");
                        int from = Integer.parseInt(range[0]);
                        int to = Integer.parseInt(range[range.length - 1]);
                        for (int core = from; core <= to; core++) {
                            cores.add(core);
                        }
                    }
                    return cores;
                }
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        throw new IllegalStateException("no Cpus_allowed_list for thread " + tid);
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
