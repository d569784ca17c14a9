package io.trainscope.core;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Waits for thread pools that were told to stop, so a closed run leaves no thread of its own
 * behind (a closed session's threads would keep it reachable, and tests check none survive).
 *
 * <pre>{@code
 * timer.shutdownNow();
 * StoppedThreads.await(timer);
 * }</pre>
 */
public final class StoppedThreads {

    private static final long WAIT_SECONDS = 10;

    private StoppedThreads() {}

    /** Waits up to 10 s for each of {@code pools} (already shut down) to end; an interrupt ends the wait. */
    public static void await(ExecutorService... pools) {
        try {
            for (ExecutorService pool : pools) {
                pool.awaitTermination(WAIT_SECONDS, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
