package io.trainscope.server.tls;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Serving HTTPS: the server's certificate chain and private key (PEM), and, for mutual TLS,
 * the CA that every client's certificate must be signed by. Read from WeightsLab's variables
 * {@code GRPC_TLS_ENABLED}, {@code GRPC_TLS_CERT_FILE}, {@code GRPC_TLS_KEY_FILE} and
 * {@code GRPC_TLS_CA_FILE}; the files are checked when the server starts ({@link TlsFiles}).
 */
public record TlsSettings(Path certificateFile, Path keyFile, Optional<Path> clientCaFile) {

    public static final String ENABLED = "GRPC_TLS_ENABLED";
    public static final String CERT_FILE = "GRPC_TLS_CERT_FILE";
    public static final String KEY_FILE = "GRPC_TLS_KEY_FILE";
    public static final String CA_FILE = "GRPC_TLS_CA_FILE";
    /** WeightsLab sets this with its CA; here a CA file alone means client certificates are required. */
    public static final String REQUIRE_CLIENT_AUTH = "GRPC_TLS_REQUIRE_CLIENT_AUTH";

    public TlsSettings {
        requireNonNull(certificateFile, "certificateFile");
        requireNonNull(keyFile, "keyFile");
        requireNonNull(clientCaFile, "clientCaFile");
    }

    /** Server TLS only: any client may connect, over HTTPS. */
    public static TlsSettings of(Path certificateFile, Path keyFile) {
        return new TlsSettings(certificateFile, keyFile, Optional.empty());
    }

    /** Mutual TLS: only clients with a certificate signed by {@code clientCaFile} complete the handshake. */
    public TlsSettings withClientCa(Path value) {
        return new TlsSettings(certificateFile, keyFile, Optional.of(value));
    }

    public boolean mutual() {
        return clientCaFile.isPresent();
    }

    /**
     * TLS from the environment: empty unless {@code GRPC_TLS_ENABLED} is true.
     *
     * @throws IllegalArgumentException when the variables contradict each other or a file is not named
     */
    public static Optional<TlsSettings> fromEnvironment(Map<String, String> env) {
        Optional<Path> cert = path(env, CERT_FILE);
        Optional<Path> key = path(env, KEY_FILE);
        Optional<Path> ca = path(env, CA_FILE);
        if (!flag(env, ENABLED)) {
            if (cert.isPresent() || key.isPresent() || ca.isPresent()) {
                throw new IllegalArgumentException("TLS files are named (" + CERT_FILE + ", " + KEY_FILE + " or " + CA_FILE
                        + ") but " + ENABLED + " is not set: set " + ENABLED + "=1 to serve HTTPS, or unset them.");
            }
            return Optional.empty();
        }
        if (cert.isEmpty() || key.isEmpty()) {
            throw new IllegalArgumentException(ENABLED + " is set, so " + CERT_FILE + " and " + KEY_FILE
                    + " must name the server's certificate and private key (PEM); scripts/make-certs DIR makes a set.");
        }
        if (flag(env, REQUIRE_CLIENT_AUTH) && ca.isEmpty()) {
            throw new IllegalArgumentException(REQUIRE_CLIENT_AUTH + " is set, so " + CA_FILE
                    + " must name the CA that signs the clients' certificates.");
        }
        boolean saysOptional = !env.getOrDefault(REQUIRE_CLIENT_AUTH, "").isBlank() && !flag(env, REQUIRE_CLIENT_AUTH);
        if (saysOptional && ca.isPresent()) {
            throw new IllegalArgumentException(REQUIRE_CLIENT_AUTH + " is off, but " + CA_FILE + " is set and a client CA"
                    + " always means every client must show a certificate (mutual TLS): unset " + CA_FILE
                    + " to accept clients without one, or unset " + REQUIRE_CLIENT_AUTH + ".");
        }
        return Optional.of(new TlsSettings(cert.get(), key.get(), ca));
    }

    private static Optional<Path> path(Map<String, String> env, String name) {
        String value = env.get(name);
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(Path.of(value.strip()));
    }

    static boolean flag(Map<String, String> env, String name) {
        String value = env.getOrDefault(name, "").strip().toLowerCase(Locale.ROOT);
        return switch (value) {
            case "", "0", "false", "no", "off" -> false;
            case "1", "true", "yes", "on" -> true;
            default -> throw new IllegalArgumentException(name + " must be 1/true or 0/false, got '" + env.get(name) + "'");
        };
    }
}
