package io.trainscope.server.limits;

import io.grpc.Status;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * Runs one call of an operation at a time, in arrival order. A call that finds another running
 * waits for its turn up to a bound, then is refused with ABORTED and a message (seed 000's
 * "lock timeout"), so a stuck operation cannot pile up callers without end.
 *
 * <pre>{@code
 * OneAtATime queries = new OneAtATime("ApplyDataQuery", Duration.ofSeconds(30));
 * DataQueryResponse reply = queries.run(() -> apply(request));
 * }</pre>
 */
public final class OneAtATime {

    private final String operation;
    private final Duration wait;
    private final ReentrantLock turn = new ReentrantLock(true);

    public OneAtATime(String operation, Duration wait) {
        this.operation = operation;
        this.wait = wait;
    }

    /**
     * Runs {@code work} once no other call of this operation runs; blocks the calling thread meanwhile.
     *
     * @throws io.grpc.StatusRuntimeException ABORTED when the turn did not come within the bound
     */
    public <T> T run(Supplier<T> work) {
        boolean mine;
        try {
            mine = turn.tryLock(wait.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw Status.ABORTED.withDescription(operation + ": interrupted while waiting for its turn").asRuntimeException();
        }
        if (!mine) {
            throw Status.ABORTED.withDescription(operation + " runs one at a time, and another one has been running for"
                    + " longer than the lock timeout (" + seconds(wait) + " s); nothing was done: try again when it has"
                    + " finished").asRuntimeException();
        }
        try {
            return work.get();
        } finally {
            turn.unlock();
        }
    }

    private static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? String.valueOf(d.toSeconds()) : String.valueOf(d.toMillis() / 1000.0);
    }
}
