package io.meshgate.app.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.meshgate.app.GatewayExtension;
import io.meshgate.app.MeshgateApplication;
import io.meshgate.app.certs.IssuedCertificate;
import io.meshgate.app.certs.LeafSpec;
import io.meshgate.config.ConfigMapVolume;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import reactor.netty.http.Http11SslContextSpec;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

/**
 * The served certificate lives in a Kubernetes Secret volume ({@code tls.crt} and {@code tls.key}
 * behind a {@code ..data} link the kubelet swaps, as cert-manager renewals do). A new good
 * certificate serves new handshakes within 2 s without dropping connections; a bad one is refused
 * with a log line and a metric, and the one before keeps serving.
 */
@ExtendWith(OutputCaptureExtension.class)
class TlsReloadIT {

    private static final String NAME = "edge";
    private static final TlsFiles FILES = TlsFiles.create();
    private static final Path SECRET = FILES.dir.resolve("secret");
    private static final ConfigMapVolume VOLUME = volume(certificate());

    @RegisterExtension
    static final GatewayExtension gateway = GatewayExtension.withUpstreams("v1")
            .routes(
                    """
                    upstreams:
                      v1: { endpoints: [ { address: "{{v1}}" } ] }
                    routes:
                      - { id: main, match: { path: /rot/** }, upstream: v1 }
                    """)
            .arg("--meshgate.tls.certificates[0].name=" + NAME)
            .arg("--meshgate.tls.certificates[0].certificate=" + SECRET.resolve("tls.crt"))
            .arg("--meshgate.tls.certificates[0].private-key=" + SECRET.resolve("tls.key"));

    @Test
    void rotationUnderLoadDropsNoConnectionAndServesNewHandshakes() throws Exception {
        serve(certificate());
        IssuedCertificate next = certificate();
        int clients = 4;
        Set<Object> channels = ConcurrentHashMap.newKeySet();
        AtomicInteger ok = new AtomicInteger();
        List<Throwable> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
        ConnectionProvider pool = ConnectionProvider.builder("rotation")
                .maxConnections(clients)
                .pendingAcquireMaxCount(-1)
                .build();
        HttpClient client = HttpClient.create(pool)
                .secure(spec -> spec.sslContext(Http11SslContextSpec.forClient()
                        .configure(builder -> builder.trustManager(FILES.ca.certificate()))))
                .doOnChannelInit((observer, channel, address) -> channels.add(channel.id()))
                .baseUrl("https://127.0.0.1:" + gateway.port());
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(4);
        List<Thread> threads = new ArrayList<>();
        try {
            for (int i = 0; i < clients; i++) {
                Thread thread = new Thread(() -> {
                    while (System.nanoTime() - end < 0) {
                        try {
                            Integer status = client.get()
                                    .uri("/rot/x")
                                    .responseSingle((response, body) -> body.then(reactor.core.publisher.Mono.just(
                                            response.status().code())))
                                    .block(Duration.ofSeconds(5));
                            if (status != null && status == 200) {
                                ok.incrementAndGet();
                            } else {
                                failures.add(new AssertionError("status " + status));
                            }
                        } catch (RuntimeException e) {
                            failures.add(e);
                        }
                    }
                });
                thread.start();
                threads.add(thread);
            }
            await().atMost(Duration.ofSeconds(2)).until(() -> ok.get() >= 200);
            int connectionsBefore = channels.size();
            write(next);
            long rotatedAt = System.nanoTime();
            awaitServed(next);
            Duration took = Duration.ofNanos(System.nanoTime() - rotatedAt);
            for (Thread thread : threads) {
                thread.join(10_000);
            }
            assertThat(took).isLessThan(Duration.ofSeconds(2));
            assertThat(failures).isEmpty();
            assertThat(ok.get()).isGreaterThan(400);
            // Every request rode one of the first connections: none was closed by the rotation.
            assertThat(channels).hasSize(connectionsBefore).hasSizeLessThanOrEqualTo(clients);
            assertThat(TlsMetrics.reloads(gateway.prometheus(), NAME, "success"))
                    .isGreaterThanOrEqualTo(1);
        } finally {
            pool.disposeLater().block(Duration.ofSeconds(5));
        }
    }

    /** What is wrong with a new certificate. */
    enum Bad {
        UNPARSEABLE("tls.crt", "holds no PEM certificate"),
        KEY_MISMATCH("tls.key", "the private key does not belong to the certificate"),
        EXPIRED("tls.crt", "the certificate expired at"),
        NOT_YET_VALID("tls.crt", "the certificate is not valid before");

        final String file;
        final String reason;

        Bad(String file, String reason) {
            this.file = file;
            this.reason = reason;
        }

        Map<String, String> files() {
            Instant now = Instant.now();
            return switch (this) {
                case UNPARSEABLE -> Map.of(
                        "tls.crt",
                        "not a certificate\n",
                        "tls.key",
                        certificate().privateKeyPem());
                case KEY_MISMATCH -> Map.of(
                        "tls.crt",
                        certificate().certificatePem(),
                        "tls.key",
                        certificate().privateKeyPem());
                case EXPIRED -> pem(FILES.ca.issue(
                        spec().validBetween(now.minus(Duration.ofDays(10)), now.minus(Duration.ofDays(1)))));
                case NOT_YET_VALID -> pem(FILES.ca.issue(
                        spec().validBetween(now.plus(Duration.ofDays(1)), now.plus(Duration.ofDays(10)))));
            };
        }
    }

    @ParameterizedTest
    @EnumSource(Bad.class)
    void aBadCertificateIsRejectedAndTheOldOneKeepsServing(Bad bad, CapturedOutput output) throws Exception {
        IssuedCertificate good = certificate();
        serve(good);
        long rejectedBefore = TlsMetrics.reloads(gateway.prometheus(), NAME, "rejected");

        VOLUME.update(bad.files());

        await().atMost(Duration.ofSeconds(3))
                .until(() -> TlsMetrics.reloads(gateway.prometheus(), NAME, "rejected") > rejectedBefore);
        String expectedLine =
                "TLS certificate '" + NAME + "' not reloaded: " + SECRET.resolve(bad.file) + ": " + bad.reason;
        await().atMost(Duration.ofSeconds(1)).until(() -> output.getOut().contains(expectedLine));
        assertThat(output.getOut().lines().filter(line -> line.contains(expectedLine)))
                .hasSize(1);
        assertThat(Commands.servedCertificate(gateway.port(), "edge.example.com")
                        .getSerialNumber())
                .isEqualTo(good.certificate().getSerialNumber());
        assertThat(TlsMetrics.expiry(gateway.prometheus(), NAME))
                .isEqualTo(good.certificate().getNotAfter().getTime() / 1000);
    }

    @Test
    void aBadCertificateAtStartStopsTheStartWithTheFileAndReason() throws IOException {
        Path broken = Files.writeString(FILES.dir.resolve("broken.crt"), "garbage\n");
        assertThatThrownBy(() -> new SpringApplicationBuilder(MeshgateApplication.class)
                        .run(
                                "--meshgate.routes=" + gateway.routesDir(),
                                "--server.port=0",
                                "--management.server.port=0",
                                "--meshgate.tls.certificates[0].certificate=" + broken,
                                "--meshgate.tls.certificates[0].private-key=" + SECRET.resolve("tls.key")))
                .hasRootCauseInstanceOf(CertificateRejectedException.class)
                .rootCause()
                .hasMessage(broken + ": holds no PEM certificate (-----BEGIN CERTIFICATE-----)");
    }

    private static LeafSpec spec() {
        return LeafSpec.server("edge.example.com").withIpAddresses("127.0.0.1");
    }

    private static IssuedCertificate certificate() {
        return FILES.ca.issue(spec());
    }

    private static Map<String, String> pem(IssuedCertificate certificate) {
        return Map.of("tls.crt", certificate.certificatePem(), "tls.key", certificate.privateKeyPem());
    }

    private static ConfigMapVolume volume(IssuedCertificate first) {
        try {
            Files.createDirectories(SECRET);
            return ConfigMapVolume.create(SECRET, pem(first));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void write(IssuedCertificate certificate) throws IOException {
        VOLUME.update(pem(certificate));
    }

    /** Makes {@code certificate} the served one. */
    private static void serve(IssuedCertificate certificate) throws Exception {
        write(certificate);
        awaitServed(certificate);
    }

    private static void awaitServed(IssuedCertificate certificate) {
        await().atMost(Duration.ofSeconds(3))
                .pollInterval(Duration.ofMillis(50))
                .untilAsserted(() -> assertThat(Commands.servedCertificate(gateway.port(), "edge.example.com")
                                .getSerialNumber())
                        .isEqualTo(certificate.certificate().getSerialNumber()));
    }
}
