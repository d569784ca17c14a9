package io.trainscope.server.auth;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.util.Optional;

/**
 * Refuses every call without a valid token with UNAUTHENTICATED, for native gRPC, gRPC-Web
 * and JSON alike, and makes the caller's token name available as {@link #CALLER}.
 * Accepts the headers WeightsLab accepts: {@code authorization: Bearer <t>} (or bare),
 * {@code x-api-key} and {@code x-grpc-auth-token}.
 */
public final class TokenAuthInterceptor implements ServerInterceptor {

    /** The name of the caller's token, or "anonymous" when auth is off. */
    public static final Context.Key<String> CALLER = Context.keyWithDefault("trainscope-caller", "anonymous");

    private static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
    private static final Metadata.Key<String> API_KEY = Metadata.Key.of("x-api-key", Metadata.ASCII_STRING_MARSHALLER);
    private static final Metadata.Key<String> AUTH_TOKEN = Metadata.Key.of("x-grpc-auth-token", Metadata.ASCII_STRING_MARSHALLER);

    private final AccessTokens tokens;

    public TokenAuthInterceptor(AccessTokens tokens) {
        this.tokens = tokens;
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        Optional<String> caller = tokens.identify(presentedToken(headers));
        if (caller.isEmpty()) {
            call.close(Status.UNAUTHENTICATED.withDescription("Missing or invalid gRPC auth token"), new Metadata());
            return new ServerCall.Listener<>() {};
        }
        return Contexts.interceptCall(Context.current().withValue(CALLER, caller.get()), call, headers, next);
    }

    private static String presentedToken(Metadata headers) {
        String authorization = headers.get(AUTHORIZATION);
        if (authorization != null) {
            String trimmed = authorization.trim();
            return trimmed.regionMatches(true, 0, "Bearer ", 0, 7) ? trimmed.substring(7).trim() : trimmed;
        }
        String apiKey = headers.get(API_KEY);
        return apiKey != null ? apiKey.trim() : headers.get(AUTH_TOKEN);
    }
}
