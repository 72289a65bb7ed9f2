package io.meshgate.app.tls;

import static org.assertj.core.api.Assertions.assertThat;

import io.meshgate.app.GatewayExtension;
import io.meshgate.app.certs.IssuedCertificate;
import io.meshgate.app.certs.LeafSpec;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.cert.X509Certificate;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The traffic port terminates TLS with three certificates chosen by SNI, checked with real
 * clients: {@code openssl s_client} and {@code curl}.
 */
class TlsIT {

    private static final TlsFiles FILES = TlsFiles.create();
    // The default (first): served without SNI and for names no certificate claims.
    private static final IssuedCertificate SHOP =
            FILES.issue("shop", LeafSpec.server("shop.example.com", "www.example.com"));
    private static final IssuedCertificate WILDCARD = FILES.issue("wildcard", LeafSpec.server("*.apps.test"));
    // Serves the names configured, not its SANs.
    private static final IssuedCertificate CONFIGURED = FILES.issue("configured", LeafSpec.server("ignored.test"));

    @RegisterExtension
    static final GatewayExtension gateway = gateway();

    private static GatewayExtension gateway() {
        GatewayExtension extension = GatewayExtension.withUpstreams("v1")
                .routes(
                        """
                        upstreams:
                          v1: { endpoints: [ { address: "{{v1}}" } ] }
                        routes:
                          - { id: main, match: { path: /tls/** }, upstream: v1 }
                        """);
        for (String[] args : List.of(FILES.args(0, "shop"), FILES.args(1, "wildcard"), FILES.args(2, "configured"))) {
            for (String arg : args) {
                extension.arg(arg);
            }
        }
        return extension
                .arg("--meshgate.tls.certificates[2].server-names[0]=api.internal.test")
                .arg("--meshgate.tls.redirect.port=0")
                .arg("--meshgate.tls.redirect.https-port=8443");
    }

    @Test
    void picksTheCertificateBySni() throws Exception {
        assertServes("shop.example.com", SHOP);
        assertServes("WWW.Example.com", SHOP);
        assertServes("a.apps.test", WILDCARD);
        assertServes("api.internal.test", CONFIGURED);
    }

    @Test
    void servesTheFirstCertificateWithoutSniOrForAnUnknownName() throws Exception {
        assertServes(null, SHOP);
        assertServes("unknown.test", SHOP);
        // A wildcard covers one label only.
        assertServes("a.b.apps.test", SHOP);
        // A certificate with configured server names does not serve its SANs.
        assertServes("ignored.test", SHOP);
    }

    @Test
    void acceptsTls12AndTls13AndRefusesTls11() throws Exception {
        assertThat(Commands.sClient(gateway.port(), "shop.example.com", "-tls1_3")
                        .output())
                .contains("New, TLSv1.3");
        assertThat(Commands.sClient(gateway.port(), "shop.example.com", "-tls1_2")
                        .output())
                .contains("New, TLSv1.2");
        // SECLEVEL=0 lets OpenSSL 3 offer TLS 1.1 at all, so the refusal is the gateway's.
        Commands.Result tls11 =
                Commands.sClient(gateway.port(), "shop.example.com", "-tls1_1", "-cipher", "DEFAULT@SECLEVEL=0");
        assertThat(tls11.exitCode()).as(tls11.output()).isNotZero();
        assertThat(tls11.output()).doesNotContain("BEGIN CERTIFICATE");
    }

    @Test
    void curlGetsHttp2AndTheProxiedBody() throws Exception {
        Commands.assumeInstalled("curl");
        Commands.Result curl = Commands.run(
                "curl",
                "-sS",
                "--http2",
                "--cacert",
                FILES.caFile().toString(),
                "--resolve",
                "shop.example.com:" + gateway.port() + ":127.0.0.1",
                "-D",
                "-",
                "-w",
                "\nversion=%{http_version}",
                "https://shop.example.com:" + gateway.port() + "/tls/hello?x=1");
        assertThat(curl.exitCode()).as(curl.output()).isZero();
        assertThat(curl.output()).startsWith("HTTP/2 200").contains("x-upstream: v1");
        assertThat(curl.output()).contains("\"uri\":\"/tls/hello?x=1\"").endsWith("version=2");
    }

    @Test
    void curlWithHttp11StillWorks() throws Exception {
        Commands.assumeInstalled("curl");
        Commands.Result curl = Commands.run(
                "curl",
                "-sS",
                "--http1.1",
                "--cacert",
                FILES.caFile().toString(),
                "--resolve",
                "x.apps.test:" + gateway.port() + ":127.0.0.1",
                "-o",
                "/dev/null",
                "-w",
                "%{http_code} %{http_version}",
                "https://x.apps.test:" + gateway.port() + "/tls/one");
        assertThat(curl.output()).isEqualTo("200 1.1");
    }

    @Test
    void thePlainListenerRedirectsToHttps() throws Exception {
        int port = gateway.context().getBean(HttpsRedirectServer.class).port();
        HttpResponse<String> response = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/tls/a?b=1"))
                                .POST(HttpRequest.BodyPublishers.ofString("x"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(308);
        assertThat(response.headers().firstValue("location")).hasValue("https://127.0.0.1:8443/tls/a?b=1");
    }

    @Test
    void managementPortStaysPlainHttp() {
        gateway.admin().get().uri("/actuator/health").exchange().expectStatus().isOk();
    }

    @Test
    void exportsEachCertificatesExpiry() {
        String metrics = gateway.prometheus();
        assertThat(TlsMetrics.expiry(metrics, "shop"))
                .isEqualTo(SHOP.certificate().getNotAfter().getTime() / 1000);
        assertThat(TlsMetrics.expiry(metrics, "wildcard"))
                .isEqualTo(WILDCARD.certificate().getNotAfter().getTime() / 1000);
    }

    private static void assertServes(String serverName, IssuedCertificate expected) throws Exception {
        X509Certificate served = Commands.servedCertificate(gateway.port(), serverName);
        assertThat(served.getSerialNumber())
                .as("certificate for SNI %s: %s", serverName, served.getSubjectX500Principal())
                .isEqualTo(expected.certificate().getSerialNumber());
    }
}
