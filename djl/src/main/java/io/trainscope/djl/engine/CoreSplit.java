package io.trainscope.djl.engine;

import com.sun.jna.Library;
import com.sun.jna.Native;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the training thread on cores of its own and every other thread of the process (the
 * server's event loops, the table writers, image encoding, the JVM's own) on the rest (Linux).
 * Leaving PyTorch a core free is not enough: the kernel still wakes an observatory thread on
 * the training core now and then, and each such wake-up preempts the step. The training
 * thread and the threads it starts (PyTorch's OpenMP workers, which share its name) get the
 * training cores; a sweep once a second moves any other thread, including one started later
 * from the training thread, back to the observatory's cores.
 *
 * <pre>{@code
 * int threads = TorchThreads.apply(OptionalInt.empty());
 * CoreSplit.start(threads);            // once, in main
 * CoreSplit.joinTraining();            // first thing on the training thread
 * }</pre>
 */
public final class CoreSplit implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(CoreSplit.class);
    /** cpu_set_t: 1024 bits. */
    private static final int MASK_WORDS = 16;
    private static final long MASK_BYTES = MASK_WORDS * 8L;
    private static final Path TASKS = Path.of("/proc/self/task");
    private static volatile CoreSplit active;

    private interface LibC extends Library {
        int sched_getaffinity(int tid, long size, long[] mask);

        int sched_setaffinity(int tid, long size, long[] mask);

        int gettid();
    }

    private final LibC libc;
    private final long[] allowed;
    private final long[] training;
    private final long[] observatory;
    private final ScheduledExecutorService sweeper;
    private volatile String trainingName;

    private CoreSplit(LibC libc, long[] allowed, long[] training, long[] observatory) {
        this.libc = libc;
        this.allowed = allowed;
        this.training = training;
        this.observatory = observatory;
        this.sweeper = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread t = new Thread(task, "core-split");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Gives the training {@code trainingCores} of the cores this process may use (the last
     * ones) and everything else the others, from now on. Does nothing, and says why in the
     * log, where that is not possible: not Linux, a single core, or no core left over.
     */
    public static Optional<CoreSplit> start(int trainingCores) {
        if (active != null) {
            return Optional.of(active);
        }
        if (!System.getProperty("os.name", "").startsWith("Linux")) {
            return Optional.empty();
        }
        LibC libc;
        long[] allowed = new long[MASK_WORDS];
        try {
            libc = Native.load("c", LibC.class);
            if (libc.sched_getaffinity(0, MASK_BYTES, allowed) != 0) {
                LOG.info("Training shares every core with the server: this process's cores could not be read");
                return Optional.empty();
            }
        } catch (UnsatisfiedLinkError | RuntimeException e) {
            LOG.info("Training shares every core with the server: {}", e.toString());
            return Optional.empty();
        }
        List<Integer> cores = cores(allowed);
        if (cores.size() < 2 || trainingCores >= cores.size()) {
            return Optional.empty();
        }
        long[] training = new long[MASK_WORDS];
        long[] observatory = new long[MASK_WORDS];
        for (int i = 0; i < cores.size(); i++) {
            int core = cores.get(i);
            long[] side = i >= cores.size() - trainingCores ? training : observatory;
            side[core / 64] |= 1L << (core % 64);
        }
        CoreSplit split = new CoreSplit(libc, allowed, training, observatory);
        active = split;
        split.sweep();
        split.sweeper.scheduleWithFixedDelay(split::sweepQuietly, 1, 1, TimeUnit.SECONDS);
        LOG.info("Training runs on cores {}, the server and the rest on {}", cores(training), cores(observatory));
        return Optional.of(split);
    }

    /** Puts the calling thread (the training loop) on the training cores, if a split was started. */
    public static void joinTraining() {
        CoreSplit split = active;
        if (split != null) {
            split.join();
        }
    }

    /** The cores the training thread may run on, as the kernel says (for tests and the log). */
    public List<Integer> trainingCores() {
        return cores(training);
    }

    public List<Integer> observatoryCores() {
        return cores(observatory);
    }

    /** Ends the split: every thread of the process may run on every core it could before. */
    @Override
    public void close() {
        sweeper.shutdownNow();
        try {
            sweeper.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        forEachThread(tid -> libc.sched_setaffinity(tid, MASK_BYTES, allowed));
        active = null;
    }

    private void join() {
        int tid = libc.gettid();
        trainingName = name(tid);
        if (libc.sched_setaffinity(0, MASK_BYTES, training) != 0) {
            LOG.warn("The training thread could not be moved to cores {}", cores(training));
        }
    }

    private void sweepQuietly() {
        try {
            sweep();
        } catch (RuntimeException e) {
            LOG.debug("Core sweep failed: {}", e.toString());
        }
    }

    /** Every thread that is not the training thread or one it started under its name goes to the observatory's cores. */
    private void sweep() {
        String keep = trainingName;
        forEachThread(tid -> {
            if (keep == null || !keep.equals(name(tid))) {
                libc.sched_setaffinity(tid, MASK_BYTES, observatory); // a thread that just ended fails: fine
            }
        });
    }

    private static void forEachThread(java.util.function.IntConsumer action) {
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(TASKS)) {
            for (Path task : tasks) {
                action.accept(Integer.parseInt(task.getFileName().toString()));
            }
        } catch (IOException e) {
            LOG.debug("Could not list this process's threads: {}", e.toString());
        }
    }

    private static String name(int tid) {
        try {
            return Files.readString(TASKS.resolve(Integer.toString(tid)).resolve("comm")).strip();
        } catch (IOException e) {
            return "";
        }
    }

    private static List<Integer> cores(long[] mask) {
        List<Integer> cores = new ArrayList<>();
        for (int core = 0; core < MASK_WORDS * 64; core++) {
            if ((mask[core / 64] & (1L << (core % 64))) != 0) {
                cores.add(core);
            }
        }
        return cores;
    }
}
