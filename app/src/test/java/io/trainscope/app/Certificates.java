package io.trainscope.app;

import io.trainscope.server.tls.TlsSettings;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.concurrent.TimeUnit;

/**
 * A fresh certificate set made by {@code scripts/make-certs}, the command the README gives users.
 * The server module's tests have their own (TestCertificates): modules share no test code, as the
 * build publishes no test-jar; this one adds the SPKI hash that only the browser tests need.
 */
record Certificates(Path dir) {

    static Certificates make() throws Exception {
        Files.createDirectories(Path.of("target/certs"));
        Path dir = Files.createTempDirectory(Path.of("target/certs"), "set-");
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
        return new Certificates(dir);
    }

    Path ca() {
        return dir.resolve("ca.pem");
    }

    Path clientCert() {
        return dir.resolve("client.pem");
    }

    Path clientKey() {
        return dir.resolve("client-key.pem");
    }

    TlsSettings serverTls() {
        return TlsSettings.of(dir.resolve("server.pem"), dir.resolve("server-key.pem"));
    }

    TlsSettings mutualTls() {
        return serverTls().withClientCa(ca());
    }

    /** Base64 SHA-256 of the server certificate's public key, as Chromium's --ignore-certificate-errors-spki-list wants. */
    String serverSpkiHash() throws Exception {
        X509Certificate certificate;
        try (var in = Files.newInputStream(dir.resolve("server.pem"))) {
            certificate = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
        byte[] digest = MessageDigest.getInstance("SHA-256").digest(certificate.getPublicKey().getEncoded());
        return Base64.getEncoder().encodeToString(digest);
    }
}
