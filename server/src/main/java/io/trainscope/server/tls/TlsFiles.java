package io.trainscope.server.tls;

import com.linecorp.armeria.server.ServerBuilder;
import io.netty.handler.ssl.ClientAuth;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.List;

/**
 * The TLS files, read and checked before the port opens, so that a missing, unreadable or
 * mismatched file stops the start with a message naming the file and what to do, rather
 * than with a handshake error later.
 *
 * <pre>{@code
 * TlsFiles files = TlsFiles.load(settings);   // IllegalArgumentException with the reason
 * files.serveHttps(serverBuilder, address);
 * }</pre>
 */
public final class TlsFiles {

    private static final String KEY_BEGIN = "-----BEGIN PRIVATE KEY-----";

    private final TlsSettings settings;
    private final List<X509Certificate> chain;
    private final List<X509Certificate> clientCas;

    private TlsFiles(TlsSettings settings, List<X509Certificate> chain, List<X509Certificate> clientCas) {
        this.settings = settings;
        this.chain = chain;
        this.clientCas = clientCas;
    }

    /**
     * Reads the certificate chain, the key and the client CA, and checks that the key belongs to the certificate.
     *
     * @throws IllegalArgumentException naming the file and what is wrong with it
     */
    public static TlsFiles load(TlsSettings settings) {
        List<X509Certificate> chain = certificates(settings.certificateFile(), "certificate", TlsSettings.CERT_FILE);
        checkValidNow(chain.get(0), settings.certificateFile());
        PrivateKey key = privateKey(settings.keyFile());
        checkPair(chain.get(0), key, settings);
        List<X509Certificate> cas = settings.clientCaFile()
                .map(ca -> certificates(ca, "client CA", TlsSettings.CA_FILE)).orElse(List.of());
        return new TlsFiles(settings, chain, cas);
    }

    /** Makes {@code address} an HTTPS port (HTTP/2 and HTTP/1.1 over TLS, nothing in clear) with these files. */
    public void serveHttps(ServerBuilder server, InetSocketAddress address) {
        server.https(address).tls(settings.certificateFile().toFile(), settings.keyFile().toFile());
        if (settings.mutual()) {
            X509Certificate[] trusted = clientCas.toArray(X509Certificate[]::new);
            server.tlsCustomizer(ssl -> ssl.trustManager(trusted).clientAuth(ClientAuth.REQUIRE));
        }
    }

    /** The server's own certificate (the first of its chain). */
    public X509Certificate certificate() {
        return chain.get(0);
    }

    private static List<X509Certificate> certificates(Path file, String what, String variable) {
        byte[] bytes = read(file, what, variable);
        try {
            List<X509Certificate> certificates = CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(bytes)).stream().map(X509Certificate.class::cast).toList();
            if (certificates.isEmpty()) {
                throw new IllegalArgumentException(describe(what, variable, file) + " holds no certificate: it must be PEM"
                        + " (-----BEGIN CERTIFICATE-----)");
            }
            return certificates;
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException(describe(what, variable, file) + " is not a PEM certificate ("
                    + e.getMessage() + ")", e);
        }
    }

    private static PrivateKey privateKey(Path file) {
        String pem = new String(read(file, "private key", TlsSettings.KEY_FILE), StandardCharsets.US_ASCII);
        String where = describe("private key", TlsSettings.KEY_FILE, file);
        int begin = pem.indexOf(KEY_BEGIN);
        if (begin < 0) {
            String hint = pem.contains("ENCRYPTED PRIVATE KEY")
                    ? " It is encrypted: write a plain copy with `openssl pkcs8 -in KEY -out plain-key.pem`."
                    : pem.contains("PRIVATE KEY-----")
                            ? " Convert it with `openssl pkcs8 -topk8 -nocrypt -in KEY -out key.pem`." : "";
            throw new IllegalArgumentException(where + " is not a PKCS#8 PEM private key (-----BEGIN PRIVATE KEY-----)."
                    + hint);
        }
        int end = pem.indexOf("-----END PRIVATE KEY-----", begin);
        byte[] der;
        try {
            der = Base64.getMimeDecoder().decode(pem.substring(begin + KEY_BEGIN.length(), end < 0 ? pem.length() : end));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + " is damaged: its PEM body is not base64", e);
        }
        for (String algorithm : List.of("EC", "RSA", "Ed25519")) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (GeneralSecurityException e) {
                // not this algorithm: try the next
            }
        }
        throw new IllegalArgumentException(where + " is not an EC, RSA or Ed25519 private key this server can read");
    }

    /** Signs a random challenge with the key and verifies it with the certificate: they match only if it verifies. */
    /** An expired certificate would start fine and then fail every client's handshake: refuse it here. */
    private static void checkValidNow(X509Certificate certificate, Path file) {
        try {
            certificate.checkValidity();
        } catch (CertificateExpiredException e) {
            throw new IllegalArgumentException("The TLS certificate " + file + " (" + TlsSettings.CERT_FILE
                    + ") expired on " + certificate.getNotAfter().toInstant() + "; make a new one (scripts/make-certs DIR"
                    + " for a test setup)", e);
        } catch (CertificateNotYetValidException e) {
            throw new IllegalArgumentException("The TLS certificate " + file + " (" + TlsSettings.CERT_FILE
                    + ") is not valid before " + certificate.getNotBefore().toInstant() + "; check this machine's clock",
                    e);
        }
    }

    private static void checkPair(X509Certificate certificate, PrivateKey key, TlsSettings settings) {
        String algorithm = switch (key.getAlgorithm()) {
            case "EC" -> "SHA256withECDSA";
            case "RSA" -> "SHA256withRSA";
            default -> "Ed25519";
        };
        byte[] challenge = new byte[32];
        new SecureRandom().nextBytes(challenge);
        boolean matches;
        try {
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(challenge);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(certificate.getPublicKey());
            verifier.update(challenge);
            matches = verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            matches = false; // e.g. an EC key with an RSA certificate
        }
        if (!matches) {
            throw new IllegalArgumentException("The private key " + settings.keyFile() + " (" + TlsSettings.KEY_FILE
                    + ") does not belong to the certificate " + settings.certificateFile() + " (" + TlsSettings.CERT_FILE
                    + ", subject " + certificate.getSubjectX500Principal().getName() + "): name the key made with it.");
        }
    }

    private static byte[] read(Path file, String what, String variable) {
        if (!Files.exists(file)) {
            throw new IllegalArgumentException(describe(what, variable, file) + " does not exist");
        }
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(describe(what, variable, file) + " is not a file");
        }
        if (!Files.isReadable(file)) {
            throw new IllegalArgumentException(describe(what, variable, file) + " is not readable by this process");
        }
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new IllegalArgumentException(describe(what, variable, file) + " cannot be read: " + e.getMessage(), e);
        }
    }

    private static String describe(String what, String variable, Path file) {
        return "TLS " + what + " file " + file + " (" + variable + ")";
    }
}
