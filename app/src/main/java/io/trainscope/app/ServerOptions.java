package io.trainscope.app;

import io.trainscope.server.ServerSettings;
import io.trainscope.server.limits.RpcLimits;
import io.trainscope.server.tls.TlsFiles;
import io.trainscope.server.tls.TlsSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Option;

/** The server's command-line flags, over the environment variables they override. */
final class ServerOptions {

    @Option(names = "--host", description = "Address to listen on (default: GRPC_BACKEND_HOST or 0.0.0.0).")
    String host;

    @Option(names = "--port", description = "Port to listen on (default: GRPC_BACKEND_PORT or 50051).")
    Integer port;

    @Option(names = "--tls-cert", paramLabel = "FILE",
            description = "Serve HTTPS only, with this PEM certificate (chain); needs --tls-key (GRPC_TLS_CERT_FILE with"
                    + " GRPC_TLS_ENABLED=1). scripts/make-certs DIR makes a local set.")
    Path tlsCert;

    @Option(names = "--tls-key", paramLabel = "FILE",
            description = "The certificate's private key, PKCS#8 PEM (GRPC_TLS_KEY_FILE).")
    Path tlsKey;

    @Option(names = "--tls-ca", paramLabel = "FILE",
            description = "Mutual TLS: refuse clients without a certificate signed by this CA (GRPC_TLS_CA_FILE).")
    Path tlsCa;

    @Option(names = "--rpc-deadline", paramLabel = "SECONDS",
            description = "Deadline of a unary call that sets none (default: GRPC_DEADLINE_SECONDS or 120); streams have"
                    + " none.")
    Double rpcDeadline;

    /**
     * The environment's settings with these flags over them, TLS files checked.
     *
     * @throws IllegalArgumentException saying which setting or file is wrong and how
     */
    ServerSettings settings(Map<String, String> env) {
        ServerSettings settings = ServerSettings.fromEnvironment(env);
        if (host != null) {
            settings = settings.withHost(host);
        }
        if (port != null) {
            settings = settings.withPort(port);
        }
        if (rpcDeadline != null) {
            settings = settings.withLimits(settings.limits().withUnaryDeadline(Duration.ofMillis(Math.round(rpcDeadline
                    * 1000))));
        }
        settings = settings.withTls(tls(settings.tls()));
        settings.tls().ifPresent(TlsFiles::load);
        return settings;
    }

    private Optional<TlsSettings> tls(Optional<TlsSettings> fromEnvironment) {
        if (tlsCert == null && tlsKey == null && tlsCa == null) {
            return fromEnvironment;
        }
        Path cert = tlsCert != null ? tlsCert : fromEnvironment.map(TlsSettings::certificateFile).orElse(null);
        Path key = tlsKey != null ? tlsKey : fromEnvironment.map(TlsSettings::keyFile).orElse(null);
        if (cert == null || key == null) {
            throw new IllegalArgumentException("--tls-cert and --tls-key go together: name the server's certificate and"
                    + " its private key (scripts/make-certs DIR makes a local set)");
        }
        Optional<Path> ca = tlsCa != null ? Optional.of(tlsCa) : fromEnvironment.flatMap(TlsSettings::clientCaFile);
        return Optional.of(new TlsSettings(cert, key, ca));
    }
}
