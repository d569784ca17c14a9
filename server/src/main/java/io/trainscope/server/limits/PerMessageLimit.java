package io.trainscope.server.limits;

import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.ServiceOptions;
import com.linecorp.armeria.server.ServiceRequestContext;
import com.linecorp.armeria.server.SimpleDecoratingHttpService;

/**
 * Lifts Armeria's limit on a whole request from the gRPC services, whose limit is per message
 * ({@code GRPC_MAX_MESSAGE_BYTES}, answered with RESOURCE_EXHAUSTED). Armeria's would answer a
 * large message with HTTP 413, which gRPC clients read as UNKNOWN, and would end a long stream
 * once its messages add up to the limit.
 */
public final class PerMessageLimit extends SimpleDecoratingHttpService {

    private static final ServiceOptions NO_REQUEST_LIMIT = ServiceOptions.builder().maxRequestLength(0).build();

    public PerMessageLimit(HttpService delegate) {
        super(delegate);
    }

    @Override
    public ServiceOptions options() {
        return NO_REQUEST_LIMIT;
    }

    @Override
    public HttpResponse serve(ServiceRequestContext ctx, HttpRequest req) throws Exception {
        return unwrap().serve(ctx, req);
    }
}
