package io.meshgate.app.protocols;

import static org.assertj.core.api.Assertions.assertThat;

import io.meshgate.app.GatewayExtension;
import io.meshgate.app.certs.DevCertificateAuthority;
import io.meshgate.app.certs.IssuedCertificate;
import io.meshgate.app.certs.LeafSpec;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContextBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.test.web.reactive.server.WebTestClient;
import reactor.netty.http.Http2SslContextSpec;
import reactor.netty.http.HttpProtocol;

/**
 * TLS from the gateway to upstreams, on both request paths, against a real TLS upstream that
 * requires client certificates: the right CA and client certificate get through (and the upstream
 * sees the gateway's identity); a CA that did not sign the upstream's certificate, a server name the
 * certificate does not carry, or no client certificate get a 502 that says the TLS handshake failed.
 * Bad PEM files are rejected as a configuration error and the serving configuration stays.
 */
class UpstreamTlsIT {

    static final Path DIR;
    static final TestUpstream ORDERS;
    static final TestUpstream ORDERS_H2;

    static {
        try {
            DIR = Files.createTempDirectory("meshgate-upstream-tls-");
            DevCertificateAuthority ca = DevCertificateAuthority.create("upstream test CA");
            Files.writeString(DIR.resolve("ca.pem"), ca.certificatePem());
            DevCertificateAuthority other = DevCertificateAuthority.create("some other CA");
            Files.writeString(DIR.resolve("other-ca.pem"), other.certificatePem());
            IssuedCertificate server = ca.issue(LeafSpec.server("orders.internal"));
            server.write(DIR.resolve("orders.pem"), DIR.resolve("orders-key.pem"));
            IssuedCertificate client = ca.issue(LeafSpec.client("meshgate-gateway", "spiffe://test/gateway"));
            client.write(DIR.resolve("client.pem"), DIR.resolve("client-key.pem"));
            Files.writeString(
                    DIR.resolve("not-a-cert.pem"),
                    "-----BEGIN CERTIFICATE-----\nbm9wZQ==\n-----END CERTIFICATE-----\n");
            ORDERS = TestUpstream.start(http -> http.secure(spec -> {
                try {
                    spec.sslContext(SslContextBuilder.forServer(
                                    DIR.resolve("orders.pem").toFile(),
                                    DIR.resolve("orders-key.pem").toFile())
                            .trustManager(DIR.resolve("ca.pem").toFile())
                            .clientAuth(ClientAuth.REQUIRE)
                            .build());
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }));
            ORDERS_H2 = TestUpstream.start(http -> http.protocol(HttpProtocol.H2, HttpProtocol.HTTP11)
                    .secure(spec -> spec.sslContext(Http2SslContextSpec.forServer(
                                    DIR.resolve("orders.pem").toFile(),
                                    DIR.resolve("orders-key.pem").toFile())
                            .configure(builder -> builder.trustManager(
                                            DIR.resolve("ca.pem").toFile())
                                    .clientAuth(ClientAuth.REQUIRE)))));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static final String ROUTES =
            """
            upstreams:
              orders:
                endpoints: [{ address: "%1$s" }]
                tls: { ca: %2$s/ca.pem, cert: %2$s/client.pem, key: %2$s/client-key.pem, serverName: orders.internal }
              wrong-ca:
                endpoints: [{ address: "%1$s" }]
                tls: { ca: %2$s/other-ca.pem, cert: %2$s/client.pem, key: %2$s/client-key.pem, serverName: orders.internal }
              wrong-name:
                endpoints: [{ address: "%1$s" }]
                tls: { ca: %2$s/ca.pem, cert: %2$s/client.pem, key: %2$s/client-key.pem, serverName: billing.internal }
              orders-h2:
                endpoints: [{ address: "%3$s" }]
                protocol: h2
                tls: { ca: %2$s/ca.pem, cert: %2$s/client.pem, key: %2$s/client-key.pem, serverName: orders.internal }
              no-client-cert:
                endpoints: [{ address: "%1$s" }]
                tls: { ca: %2$s/ca.pem, serverName: orders.internal }
            routes:
              - { id: direct, match: { path: /direct/** }, upstream: orders }
              - { id: filtered, match: { path: /filtered/** }, upstream: orders, filters: [ "AddRequestHeader=x-path, scg" ] }
              - { id: h2, match: { path: /h2/** }, upstream: orders-h2 }
              - { id: h2-filtered, match: { path: /h2-filtered/** }, upstream: orders-h2, filters: [ "AddRequestHeader=x-path, scg" ] }
              - { id: wrong-ca, match: { path: /wrong-ca/** }, upstream: wrong-ca, retry: { attempts: 1 } }
              - { id: wrong-ca-filtered, match: { path: /wrong-ca-filtered/** }, upstream: wrong-ca, filters: [ "AddRequestHeader=x-path, scg" ] }
              - { id: wrong-name, match: { path: /wrong-name/** }, upstream: wrong-name, retry: { attempts: 1 } }
              - { id: no-client-cert, match: { path: /no-client-cert/** }, upstream: no-client-cert, retry: { attempts: 1 } }
              - { id: no-client-cert-filtered, match: { path: /no-client-cert-filtered/** }, upstream: no-client-cert, filters: [ "AddRequestHeader=x-path, scg" ] }
            """
                    .formatted(ORDERS.address(), DIR, ORDERS_H2.address());

    @RegisterExtension
    static GatewayExtension gateway = GatewayExtension.withUpstreams().routes(ROUTES);

    @AfterAll
    static void stopUpstream() {
        ORDERS.close();
        ORDERS_H2.close();
    }

    @Test
    void adminViewSaysHowEachUpstreamIsReached() {
        var upstreams = gateway.status().path("active").path("upstreams");

        assertThat(upstreams.path("orders").path("transport").asString()).isEqualTo("http1 over TLS");
        assertThat(upstreams.path("orders-h2").path("transport").asString()).isEqualTo("h2 over TLS");
    }

    @Test
    void h2NegotiatesHttp2ByAlpnOnBothPaths() {
        assertThat(get("/h2/a", 200)).startsWith("protocol=HTTP/2.0 client=CN=meshgate-gateway path=/h2/a");
        assertThat(get("/h2-filtered/a", 200))
                .startsWith("protocol=HTTP/2.0 client=CN=meshgate-gateway path=/h2-filtered/a");
    }

    @Test
    void directPathSpeaksTlsWithTheClientCertificate() {
        assertThat(get("/direct/a", 200)).startsWith("protocol=HTTP/1.1 client=CN=meshgate-gateway path=/direct/a");
    }

    @Test
    void gatewayPathSpeaksTlsWithTheClientCertificate() {
        assertThat(get("/filtered/b", 200)).startsWith("protocol=HTTP/1.1 client=CN=meshgate-gateway path=/filtered/b");
    }

    @Test
    void untrustedUpstreamCertificateIs502NamingTheHandshake() {
        assertThat(get("/wrong-ca/x", 502))
                .startsWith("upstream 'wrong-ca' endpoint " + ORDERS.address() + ": TLS handshake failed")
                .contains("certification path");
        assertThat(get("/wrong-ca-filtered/x", 502)).contains("TLS handshake failed");
    }

    @Test
    void hostnameIsVerified() {
        // The JDK checks the SNI name first and reports its fallback check of the endpoint's address.
        assertThat(get("/wrong-name/x", 502)).contains("TLS handshake failed").contains("No subject alternative");
    }

    @Test
    void upstreamThatRequiresAClientCertificateRefusesTheGatewayWithout() {
        assertThat(get("/no-client-cert/x", 502)).contains("upstream 'no-client-cert'");
        assertThat(get("/no-client-cert-filtered/x", 502)).contains("upstream 'no-client-cert'");
    }

    @Test
    void unusablePemFileIsRejectedAndTheServingConfigurationStays() {
        String version = gateway.activeVersion();
        long rejected = gateway.rejectedReloads();
        gateway.writeFile(
                "broken.yaml",
                """
                upstreams:
                  broken:
                    endpoints: [{ address: "127.0.0.1:1" }]
                    tls: { ca: %s/not-a-cert.pem }
                routes:
                  - { id: broken, match: { path: /broken/** }, upstream: broken }
                """
                        .formatted(DIR));
        try {
            Awaitility.await().atMost(10, TimeUnit.SECONDS).until(() -> gateway.rejectedReloads() > rejected);
            String error = gateway.status().toString();
            assertThat(error)
                    .contains("broken.yaml:4:")
                    .contains("upstream 'broken' tls: cannot use ca " + DIR.resolve("not-a-cert.pem"));
            assertThat(gateway.activeVersion()).isEqualTo(version);
            assertThat(get("/direct/still", 200)).contains("client=CN=meshgate-gateway");
        } finally {
            gateway.deleteFile("broken.yaml");
        }
    }

    @Test
    void reloadKeepsTheClientOfAnUnchangedUpstream() {
        var before = gateway.context()
                .getBean(io.meshgate.app.routing.ActiveRoutes.class)
                .current()
                .runtime()
                .pools()
                .get("orders")
                .client();
        gateway.writeFile(
                "extra.yaml",
                """
                upstreams: { extra: { endpoints: [{ address: "127.0.0.1:1" }] } }
                routes: [ { id: extra, match: { path: /extra/** }, upstream: extra } ]
                """);
        try {
            Awaitility.await().atMost(10, TimeUnit.SECONDS).until(() -> gateway.context()
                    .getBean(io.meshgate.app.routing.ActiveRoutes.class)
                    .current()
                    .runtime()
                    .pools()
                    .containsKey("extra"));
            var after = gateway.context()
                    .getBean(io.meshgate.app.routing.ActiveRoutes.class)
                    .current()
                    .runtime()
                    .pools()
                    .get("orders")
                    .client();
            assertThat(after).isNotNull().isSameAs(before);
        } finally {
            gateway.deleteFile("extra.yaml");
            // Served again without it before the next test reads the active version.
            Awaitility.await().atMost(10, TimeUnit.SECONDS).until(() -> !gateway.context()
                    .getBean(io.meshgate.app.routing.ActiveRoutes.class)
                    .current()
                    .runtime()
                    .pools()
                    .containsKey("extra"));
        }
    }

    private static String get(String path, int status) {
        WebTestClient client = gateway.client()
                .mutate()
                .responseTimeout(Duration.ofSeconds(20))
                .build();
        return client.get()
                .uri(path)
                .exchange()
                .expectStatus()
                .isEqualTo(status)
                .expectBody(String.class)
                .returnResult()
                .getResponseBody();
    }
}
