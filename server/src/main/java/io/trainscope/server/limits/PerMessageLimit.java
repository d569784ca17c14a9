package io.trainscope.server.limits;

import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.ServiceOptions;
import com.linecorp.armeria.server.ServiceRequestContext;
import com.linecorp.armeria.server.SimpleDecoratingHttpService;
import java.util.function.Function;

/**
 * Lifts Armeria's limit on a whole request from framed gRPC calls, whose limit is per message
 * ({@code GRPC_MAX_MESSAGE_BYTES}, answered with RESOURCE_EXHAUSTED). Armeria's would answer a
 * large message with HTTP 413, which gRPC clients read as UNKNOWN, and would end a long stream
 * once its messages add up to the limit. An unframed (JSON) call is one message read whole
 * before it is parsed, so it keeps a bound on its body: twice the message limit, as its text
 * may spell a message at most about twice as long as protobuf does; beyond it, HTTP 413.
 */
public final class PerMessageLimit extends SimpleDecoratingHttpService {

    private static final ServiceOptions NO_REQUEST_LIMIT = ServiceOptions.builder().maxRequestLength(0).build();

    private final long unframedBodyLimit;

    private PerMessageLimit(HttpService delegate, int maxMessageBytes) {
        super(delegate);
        this.unframedBodyLimit = 2L * maxMessageBytes;
    }

    /** Decorates the gRPC service for messages of at most {@code maxMessageBytes}. */
    public static Function<HttpService, HttpService> of(int maxMessageBytes) {
        return delegate -> new PerMessageLimit(delegate, maxMessageBytes);
    }

    @Override
    public ServiceOptions options() {
        return NO_REQUEST_LIMIT;
    }

    @Override
    public HttpResponse serve(ServiceRequestContext ctx, HttpRequest req) throws Exception {
        MediaType type = req.contentType();
        if (type == null || !type.subtype().startsWith("grpc")) {
            ctx.setMaxRequestLength(unframedBodyLimit);
        }
        return unwrap().serve(ctx, req);
    }
}
