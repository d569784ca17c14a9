package io.trainscope.server.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import io.trainscope.proto.v1.MetricsServiceGrpc;
import io.trainscope.proto.v1.SessionInfo;
import io.trainscope.proto.v1.SessionResponse;
import io.trainscope.server.ServedExperiment;
import io.trainscope.server.ServerSettings;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** grpc-java over TLS and mutual TLS to the one port, with certificates made by scripts/make-certs. */
class TlsGrpcTest {

    @TempDir
    static Path dir;
    private static TestCertificates certs;

    @BeforeAll
    static void makeCertificates() throws Exception {
        certs = TestCertificates.make(dir.resolve("certs"));
    }

    @Test
    void aClientTrustingTheCaCallsOverTlsAndTheUrlIsHttps(@TempDir Path run) throws Exception {
        try (ServedExperiment served = ServedExperiment.start(run, tls(certs.serverTls()))) {
            assertThat(served.server.url()).isEqualTo("https://127.0.0.1:" + served.port() + "/");

            SessionResponse reply = register(served, TlsChannelCredentials.newBuilder().trustManager(certs.ca().toFile())
                    .build());

            assertThat(reply.getInstanceId()).isNotBlank();
        }
    }

    @Test
    void aPlainTextClientIsRefusedByATlsPort(@TempDir Path run) throws Exception {
        try (ServedExperiment served = ServedExperiment.start(run, tls(certs.serverTls()))) {
            assertThatThrownBy(() -> register(served, InsecureChannelCredentials.create()))
                    .isInstanceOfSatisfying(StatusRuntimeException.class,
                            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
        }
    }

    @Test
    void withMutualTlsAClientWithACertificateSignedByTheCaIsServed(@TempDir Path run) throws Exception {
        try (ServedExperiment served = ServedExperiment.start(run, tls(certs.mutualTls()))) {
            SessionResponse reply = register(served, TlsChannelCredentials.newBuilder().trustManager(certs.ca().toFile())
                    .keyManager(certs.clientCert().toFile(), certs.clientKey().toFile()).build());

            assertThat(reply.getInstanceId()).isNotBlank();
        }
    }

    @Test
    void withMutualTlsAClientWithoutACertificateIsRefusedAtTheHandshake(@TempDir Path run) throws Exception {
        try (ServedExperiment served = ServedExperiment.start(run, tls(certs.mutualTls()))) {
            assertThatThrownBy(() -> register(served, TlsChannelCredentials.newBuilder().trustManager(certs.ca().toFile())
                    .build()))
                    .isInstanceOfSatisfying(StatusRuntimeException.class,
                            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
        }
    }

    @Test
    void withMutualTlsACertificateFromAnotherCaIsRefused(@TempDir Path run) throws Exception {
        TestCertificates other = TestCertificates.make(dir.resolve("other"));
        try (ServedExperiment served = ServedExperiment.start(run, tls(certs.mutualTls()))) {
            assertThatThrownBy(() -> register(served, TlsChannelCredentials.newBuilder().trustManager(certs.ca().toFile())
                    .keyManager(other.clientCert().toFile(), other.clientKey().toFile()).build()))
                    .isInstanceOfSatisfying(StatusRuntimeException.class,
                            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
        }
    }

    private static ServerSettings tls(TlsSettings tls) {
        return ServerSettings.loopback().withTls(Optional.of(tls));
    }

    private static SessionResponse register(ServedExperiment served, ChannelCredentials credentials)
            throws InterruptedException {
        ManagedChannel channel = Grpc.newChannelBuilderForAddress("127.0.0.1", served.port(), credentials)
                .overrideAuthority("localhost").build();
        try {
            return MetricsServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
                    .registerTrainingSession(SessionInfo.newBuilder().setClientName("tls-test").build());
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }
}
