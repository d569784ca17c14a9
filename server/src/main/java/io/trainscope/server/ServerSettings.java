package io.trainscope.server;

import static java.util.Objects.requireNonNull;

import io.trainscope.server.auth.AccessTokens;
import io.trainscope.server.limits.RpcLimits;
import io.trainscope.server.tls.TlsSettings;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * Where and how the server listens. Read from the environment variables of seed 000
 * ({@code GRPC_BACKEND_HOST}, {@code GRPC_BACKEND_PORT}, {@code GRPC_MAX_MESSAGE_BYTES},
 * {@code GRPC_AUTH_TOKEN}, {@code GRPC_AUTH_TOKENS}, {@code GRPC_TLS_*}, and our
 * {@code GRPC_DEADLINE_SECONDS}, {@code GRPC_LOCK_TIMEOUT_SECONDS}); command-line flags override them.
 */
public record ServerSettings(String host, int port, int maxMessageBytes, AccessTokens tokens, Duration slowCallThreshold,
        Optional<TlsSettings> tls, RpcLimits limits) {

    public static final String DEFAULT_HOST = "0.0.0.0";
    public static final int DEFAULT_PORT = 50051;
    public static final int DEFAULT_MAX_MESSAGE_BYTES = 256 * 1024 * 1024;
    /** A unary RPC slower than this is logged with its method and arguments (seed 000's watchdog). */
    public static final Duration DEFAULT_SLOW_CALL_THRESHOLD = Duration.ofSeconds(2);

    public ServerSettings {
        requireNonNull(host, "host");
        requireNonNull(tokens, "tokens");
        requireNonNull(slowCallThreshold, "slowCallThreshold");
        requireNonNull(tls, "tls");
        requireNonNull(limits, "limits");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be between 0 and 65535, got " + port);
        }
        if (maxMessageBytes < 1024) {
            throw new IllegalArgumentException("max message bytes must be at least 1024, got " + maxMessageBytes);
        }
    }

    /** Settings from environment variables, defaults where unset. */
    public static ServerSettings fromEnvironment(Map<String, String> env) {
        return new ServerSettings(
                env.getOrDefault("GRPC_BACKEND_HOST", DEFAULT_HOST),
                intVariable(env, "GRPC_BACKEND_PORT", DEFAULT_PORT),
                intVariable(env, "GRPC_MAX_MESSAGE_BYTES", DEFAULT_MAX_MESSAGE_BYTES),
                AccessTokens.fromEnvironment(env), DEFAULT_SLOW_CALL_THRESHOLD, TlsSettings.fromEnvironment(env),
                RpcLimits.fromEnvironment(env));
    }

    /** Loopback on an ephemeral port, no tokens: for tests and benchmarks. */
    public static ServerSettings loopback() {
        return new ServerSettings("127.0.0.1", 0, DEFAULT_MAX_MESSAGE_BYTES, AccessTokens.none(), DEFAULT_SLOW_CALL_THRESHOLD,
                Optional.empty(), RpcLimits.defaults());
    }

    public ServerSettings withHost(String value) {
        return new ServerSettings(value, port, maxMessageBytes, tokens, slowCallThreshold, tls, limits);
    }

    public ServerSettings withPort(int value) {
        return new ServerSettings(host, value, maxMessageBytes, tokens, slowCallThreshold, tls, limits);
    }

    public ServerSettings withTokens(AccessTokens value) {
        return new ServerSettings(host, port, maxMessageBytes, value, slowCallThreshold, tls, limits);
    }

    public ServerSettings withSlowCallThreshold(Duration value) {
        return new ServerSettings(host, port, maxMessageBytes, tokens, value, tls, limits);
    }

    public ServerSettings withMaxMessageBytes(int value) {
        return new ServerSettings(host, port, value, tokens, slowCallThreshold, tls, limits);
    }

    /** Serve HTTPS only, with these files ({@code Optional.empty()}: plain HTTP). */
    public ServerSettings withTls(Optional<TlsSettings> value) {
        return new ServerSettings(host, port, maxMessageBytes, tokens, slowCallThreshold, value, limits);
    }

    public ServerSettings withLimits(RpcLimits value) {
        return new ServerSettings(host, port, maxMessageBytes, tokens, slowCallThreshold, tls, value);
    }

    private static int intVariable(Map<String, String> env, String name, int fallback) {
        String value = env.get(name);
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a whole number, got '" + value + "'");
        }
    }
}
