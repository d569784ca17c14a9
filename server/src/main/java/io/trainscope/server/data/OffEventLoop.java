package io.trainscope.server.data;

import com.linecorp.armeria.server.ServiceRequestContext;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.trainscope.core.samples.SampleStorageException;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers a unary call from Armeria's blocking executor, so database work never holds an event
 * loop; a storage failure becomes INTERNAL with its message, a status exception passes through.
 */
public final class OffEventLoop {

    private static final Logger LOG = LoggerFactory.getLogger(OffEventLoop.class);

    private OffEventLoop() {}

    /** Armeria's blocking executor of the current call (the common pool outside a call). */
    public static Executor executor() {
        ServiceRequestContext ctx = ServiceRequestContext.currentOrNull();
        return ctx != null ? ctx.blockingTaskExecutor() : ForkJoinPool.commonPool();
    }

    public static <T> void answer(StreamObserver<T> response, Supplier<T> work) {
        io.grpc.Context grpcContext = io.grpc.Context.current();
        executor().execute(grpcContext.wrap(() -> {
            T reply;
            try {
                reply = work.get();
            } catch (StatusRuntimeException e) {
                response.onError(e);
                return;
            } catch (SampleStorageException e) {
                LOG.error("Sample table failure", e);
                response.onError(Status.INTERNAL.withDescription(e.getMessage()).asRuntimeException());
                return;
            } catch (RuntimeException e) {
                LOG.error("Data request failed", e);
                response.onError(Status.INTERNAL.withDescription("The request failed: " + e).asRuntimeException());
                return;
            }
            response.onNext(reply);
            response.onCompleted();
        }));
    }
}
