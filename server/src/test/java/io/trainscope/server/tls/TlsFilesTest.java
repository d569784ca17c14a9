package io.trainscope.server.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A bad TLS setting stops the start with a message that names the file or variable and the fix. */
class TlsFilesTest {

    @TempDir
    static Path dir;
    private static TestCertificates certs;

    @BeforeAll
    static void makeCertificates() throws Exception {
        certs = TestCertificates.make(dir.resolve("certs"));
    }

    @Test
    void theFilesMadeByMakeCertsLoad() {
        TlsFiles files = TlsFiles.load(certs.mutualTls());

        assertThat(files.certificate().getSubjectX500Principal().getName()).isEqualTo("CN=localhost");
    }

    @Test
    void aMissingCertificateFileIsNamedWithItsVariable() {
        Path missing = dir.resolve("nope.pem");

        assertThatThrownBy(() -> TlsFiles.load(TlsSettings.of(missing, certs.serverKey())))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("TLS certificate file " + missing + " (GRPC_TLS_CERT_FILE) does not exist");
    }

    @Test
    void aDirectoryInPlaceOfTheCaFileIsRefused() {
        assertThatThrownBy(() -> TlsFiles.load(certs.serverTls().withClientCa(dir)))
                .hasMessage("TLS client CA file " + dir + " (GRPC_TLS_CA_FILE) is not a file");
    }

    @Test
    void aKeyThatDoesNotBelongToTheCertificateIsRefused() {
        assertThatThrownBy(() -> TlsFiles.load(TlsSettings.of(certs.serverCert(), certs.clientKey())))
                .hasMessageStartingWith("The private key " + certs.clientKey() + " (GRPC_TLS_KEY_FILE) does not belong to"
                        + " the certificate " + certs.serverCert());
    }

    @Test
    void anExpiredCertificateIsRefusedWithItsEndDate() throws Exception {
        Path store = dir.resolve("expired.p12");
        Path expired = dir.resolve("expired.pem");
        keytool("-genkeypair", "-keyalg", "EC", "-groupname", "secp256r1", "-alias", "old", "-dname", "CN=localhost",
                "-startdate", "-3d", "-validity", "1", "-keystore", store.toString(), "-storetype", "pkcs12",
                "-storepass", "changeit");
        keytool("-exportcert", "-rfc", "-alias", "old", "-keystore", store.toString(), "-storepass", "changeit",
                "-file", expired.toString());

        assertThatThrownBy(() -> TlsFiles.load(TlsSettings.of(expired, certs.serverKey())))
                .hasMessageStartingWith("The TLS certificate " + expired + " (GRPC_TLS_CERT_FILE) expired on ")
                .hasMessageContaining("make a new one");
    }

    private static void keytool(String... arguments) throws Exception {
        java.util.List<String> command = new java.util.ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(java.util.List.of(arguments));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        assertThat(process.waitFor()).as("keytool " + String.join(" ", arguments) + ": " + output).isZero();
    }

    @Test
    void aFileThatIsNotACertificateIsRefused() throws Exception {
        Path text = Files.writeString(dir.resolve("notes.txt"), "not a certificate\n");

        assertThatThrownBy(() -> TlsFiles.load(TlsSettings.of(text, certs.serverKey())))
                .hasMessageStartingWith("TLS certificate file " + text + " (GRPC_TLS_CERT_FILE)")
                .hasMessageContaining("PEM");
    }

    @Test
    void aKeyInTheOlderEcFormatIsRefusedWithTheConversionCommand() throws Exception {
        Path old = Files.writeString(dir.resolve("old-key.pem"),
                "-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIA==\n-----END EC PRIVATE KEY-----\n");

        assertThatThrownBy(() -> TlsFiles.load(TlsSettings.of(certs.serverCert(), old)))
                .hasMessageContaining("is not a PKCS#8 PEM private key")
                .hasMessageContaining("openssl pkcs8 -topk8 -nocrypt");
    }

    @Test
    void enabledWithoutFilesSaysWhichVariablesToSet() {
        assertThatThrownBy(() -> TlsSettings.fromEnvironment(Map.of("GRPC_TLS_ENABLED", "1")))
                .hasMessageContaining("GRPC_TLS_CERT_FILE and GRPC_TLS_KEY_FILE must name")
                .hasMessageContaining("scripts/make-certs");
    }

    @Test
    void filesWithoutEnabledAreNotSilentlyIgnored() {
        assertThatThrownBy(() -> TlsSettings.fromEnvironment(Map.of("GRPC_TLS_CERT_FILE", "/x.pem")))
                .hasMessageContaining("set GRPC_TLS_ENABLED=1");
    }

    @Test
    void clientCertificatesSaidOptionalWithAClientCaIsAContradiction() {
        assertThatThrownBy(() -> TlsSettings.fromEnvironment(Map.of("GRPC_TLS_ENABLED", "1", "GRPC_TLS_CERT_FILE", "s.pem",
                "GRPC_TLS_KEY_FILE", "k.pem", "GRPC_TLS_CA_FILE", "ca.pem", "GRPC_TLS_REQUIRE_CLIENT_AUTH", "0")))
                .hasMessageStartingWith("GRPC_TLS_REQUIRE_CLIENT_AUTH is off, but GRPC_TLS_CA_FILE is set");
    }

    @Test
    void theEnvironmentNamesTheFilesOfMutualTls() {
        Optional<TlsSettings> tls = TlsSettings.fromEnvironment(Map.of("GRPC_TLS_ENABLED", "true",
                "GRPC_TLS_CERT_FILE", "s.pem", "GRPC_TLS_KEY_FILE", "k.pem", "GRPC_TLS_CA_FILE", "ca.pem"));

        assertThat(tls).contains(new TlsSettings(Path.of("s.pem"), Path.of("k.pem"), Optional.of(Path.of("ca.pem"))));
        assertThat(tls.get().mutual()).isTrue();
        assertThat(TlsSettings.fromEnvironment(Map.of())).isEmpty();
    }
}
