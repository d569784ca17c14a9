package io.trainscope.server.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The bearer tokens that may call the API, each with a name for the audit log. Empty means
 * auth is off. Tokens are compared in constant time and never printed.
 *
 * <p>{@code GRPC_AUTH_TOKEN=secret} gives one token named {@code default};
 * {@code GRPC_AUTH_TOKENS=alice=s1,bob=s2} gives named ones (a bare {@code s3} is named {@code token-3}).
 */
public final class AccessTokens {

    private final Map<String, byte[]> byName;

    private AccessTokens(Map<String, byte[]> byName) {
        this.byName = byName;
    }

    public static AccessTokens none() {
        return new AccessTokens(Map.of());
    }

    public static AccessTokens fromEnvironment(Map<String, String> env) {
        Map<String, byte[]> tokens = new LinkedHashMap<>();
        String single = env.get("GRPC_AUTH_TOKEN");
        if (single != null && !single.isBlank()) {
            tokens.put("default", single.trim().getBytes(StandardCharsets.UTF_8));
        }
        String many = env.get("GRPC_AUTH_TOKENS");
        if (many != null) {
            int position = 0;
            for (String entry : many.split(",")) {
                position++;
                String trimmed = entry.trim();
                if (trimmed.isEmpty()) {
                    continue;
                }
                int eq = trimmed.indexOf('=');
                String name = eq > 0 ? trimmed.substring(0, eq).trim() : "token-" + position;
                String token = eq > 0 ? trimmed.substring(eq + 1).trim() : trimmed;
                if (token.isEmpty()) {
                    throw new IllegalArgumentException("GRPC_AUTH_TOKENS entry '" + name + "' has an empty token");
                }
                tokens.put(name, token.getBytes(StandardCharsets.UTF_8));
            }
        }
        return new AccessTokens(Map.copyOf(tokens));
    }

    /** One named token, for tests and embedding. */
    public static AccessTokens of(String name, String token) {
        return new AccessTokens(Map.of(name, token.getBytes(StandardCharsets.UTF_8)));
    }

    public boolean enabled() {
        return !byName.isEmpty();
    }

    /** The name of the token that matches {@code presented}, comparing every token in constant time. */
    public Optional<String> identify(String presented) {
        if (presented == null) {
            return Optional.empty();
        }
        byte[] candidate = presented.getBytes(StandardCharsets.UTF_8);
        String match = null;
        for (Map.Entry<String, byte[]> e : byName.entrySet()) {
            if (MessageDigest.isEqual(e.getValue(), candidate) && match == null) {
                match = e.getKey();
            }
        }
        return Optional.ofNullable(match);
    }

    @Override
    public String toString() {
        return "AccessTokens" + byName.keySet();
    }
}
