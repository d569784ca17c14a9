package io.trainscope.server.tls;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A fresh certificate set made by {@code scripts/make-certs}, the command the README gives users.
 * The app module's tests have their own (Certificates): modules share no test code, as the build
 * publishes no test-jar.
 */
public record TestCertificates(Path dir) {

    public static TestCertificates make(Path dir) throws Exception {
        Path script = Path.of("../scripts/make-certs").toAbsolutePath().normalize();
        Process process = new ProcessBuilder(script.toString(), dir.toString()).redirectErrorStream(true).start();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("make-certs did not finish in 30 s");
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (process.exitValue() != 0) {
            throw new AssertionError("make-certs failed: " + output);
        }
        return new TestCertificates(dir);
    }

    public Path ca() {
        return dir.resolve("ca.pem");
    }

    public Path serverCert() {
        return dir.resolve("server.pem");
    }

    public Path serverKey() {
        return dir.resolve("server-key.pem");
    }

    public Path clientCert() {
        return dir.resolve("client.pem");
    }

    public Path clientKey() {
        return dir.resolve("client-key.pem");
    }

    public TlsSettings serverTls() {
        return TlsSettings.of(serverCert(), serverKey());
    }

    public TlsSettings mutualTls() {
        return serverTls().withClientCa(ca());
    }
}
