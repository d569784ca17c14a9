package io.trainscope.server.auth;

import static java.util.Objects.requireNonNull;

import com.linecorp.armeria.common.HttpData;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.RequestHeaders;
import com.linecorp.armeria.common.ResponseHeaders;
import com.linecorp.armeria.server.DecoratingHttpServiceFunction;
import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.ServiceRequestContext;
import io.netty.util.AttributeKey;
import java.util.Optional;

/**
 * Refuses every call to the gRPC services without a valid token with UNAUTHENTICATED, before
 * the request is read: native gRPC, gRPC-Web and JSON, unary calls and streams alike (Armeria
 * would otherwise turn away a JSON call to a stream as a bad request before any interceptor,
 * and parse a large message before refusing it). Records the token's name for {@link Callers}.
 * Accepts the headers WeightsLab accepts: {@code authorization: Bearer <t>} (or bare),
 * {@code x-api-key} and {@code x-grpc-auth-token}.
 */
public final class TokenAuthDecorator implements DecoratingHttpServiceFunction {

    /** The name of the caller's token; absent when auth is off. */
    static final AttributeKey<String> CALLER = AttributeKey.valueOf(TokenAuthDecorator.class, "caller");

    static final String REFUSAL = "Missing or invalid gRPC auth token: send the header authorization: Bearer <token>";

    private final AccessTokens tokens;

    public TokenAuthDecorator(AccessTokens tokens) {
        this.tokens = requireNonNull(tokens, "tokens");
    }

    @Override
    public HttpResponse serve(HttpService delegate, ServiceRequestContext ctx, HttpRequest req) throws Exception {
        Optional<String> caller = tokens.identify(presentedToken(req.headers()));
        if (caller.isEmpty()) {
            return unauthenticated(req.headers());
        }
        ctx.setAttr(CALLER, caller.get());
        return delegate.serve(ctx, req);
    }

    /**
     * A gRPC or gRPC-Web request gets a trailers-only response with {@code grpc-status: 16}; any
     * other (JSON) gets HTTP 401 with the same status in a header and in a JSON body.
     */
    private static HttpResponse unauthenticated(RequestHeaders headers) {
        MediaType type = headers.contentType();
        if (type != null && type.subtype().startsWith("grpc")) {
            // endOfStream: one HEADERS frame that ends the stream, as gRPC's trailers-only form requires
            return HttpResponse.of(ResponseHeaders.builder(HttpStatus.OK).contentType(type).endOfStream(true)
                    .add("grpc-status", "16").add("grpc-message", REFUSAL).build());
        }
        String json = "{\"code\":16,\"grpc-code\":\"UNAUTHENTICATED\",\"message\":\"" + REFUSAL + "\"}";
        return HttpResponse.of(ResponseHeaders.builder(HttpStatus.UNAUTHORIZED).contentType(MediaType.JSON_UTF_8)
                .add("grpc-status", "16").add("grpc-message", REFUSAL).build(), HttpData.ofUtf8(json));
    }

    private static String presentedToken(RequestHeaders headers) {
        String authorization = headers.get("authorization");
        if (authorization != null) {
            String trimmed = authorization.trim();
            return trimmed.regionMatches(true, 0, "Bearer ", 0, 7) ? trimmed.substring(7).trim() : trimmed;
        }
        String apiKey = headers.get("x-api-key");
        return apiKey != null ? apiKey.trim() : headers.get("x-grpc-auth-token");
    }
}
