package io.meshgate.app.tls;

import static org.assertj.core.api.Assertions.assertThat;

import io.meshgate.app.GatewayExtension;
import io.meshgate.app.certs.LeafSpec;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

/**
 * Edge hardening on the TLS listener: HSTS on every HTTPS response exactly once (meshgate's value,
 * also when the upstream sends its own) on both request paths and both HTTP versions; Netty's
 * {@code x-http2-*} headers never reach an upstream of an HTTP/2 client; the HTTP/1.1 checks run
 * behind ALPN too.
 */
class TlsEdgeIT {

    private static final TlsFiles FILES = TlsFiles.create();

    static {
        FILES.issue("localhost", LeafSpec.server("localhost"));
    }

    /** Answers with the request's header names; on paths with "/sts" it sends its own HSTS header. */
    private static final DisposableServer UPSTREAM = HttpServer.create()
            .host("127.0.0.1")
            .port(0)
            .handle((request, response) -> {
                if (request.uri().contains("/sts")) {
                    response.header("strict-transport-security", "max-age=5");
                }
                return response.sendString(
                        Mono.just(String.join(",", request.requestHeaders().names())));
            })
            .bindNow(Duration.ofSeconds(10));

    @RegisterExtension
    static final GatewayExtension gateway = gateway();

    private static GatewayExtension gateway() {
        GatewayExtension extension = GatewayExtension.withUpstreams()
                .routes(
                        """
                        upstreams:
                          names: { endpoints: [ { address: "127.0.0.1:%d" } ] }
                        routes:
                          - id: scg
                            match: { path: /scg/** }
                            upstream: names
                            filters: [ "AddRequestHeader=x-path, scg" ]
                          - id: direct
                            upstream: names
                        """
                                .formatted(UPSTREAM.port()));
        for (String arg : FILES.args(0, "localhost")) {
            extension.arg(arg);
        }
        return extension
                .arg("--meshgate.tls.hsts.enabled=true")
                .arg("--meshgate.tls.hsts.include-sub-domains=true")
                .arg("--meshgate.limits.max-header-count=20")
                .arg("--meshgate.limits.max-body-size=1KB");
    }

    @AfterAll
    static void stopUpstream() {
        UPSTREAM.disposeNow();
    }

    @ParameterizedTest
    @ValueSource(strings = {"/direct/a", "/scg/a", "/direct/sts", "/scg/sts"})
    void anHttp2ResponseCarriesHstsOnceAndTheUpstreamSawNoNettyHeaders(String path) throws Exception {
        HttpResponse<String> response = client().send(
                        HttpRequest.newBuilder(URI.create("https://localhost:" + gateway.port() + path))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(response.version()).isEqualTo(HttpClient.Version.HTTP_2);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().allValues("strict-transport-security"))
                .containsExactly("max-age=31536000; includeSubDomains");
        assertThat(response.body().split(","))
                .noneMatch(name -> name.toLowerCase().startsWith("x-http2-"));
        assertThat(response.body()).containsIgnoringCase("x-forwarded-proto");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/direct/sts", "/scg/sts"})
    void curlOverHttp11SeesOneHstsHeader(String path) throws Exception {
        Commands.assumeInstalled("curl");
        Commands.Result curl = Commands.run(
                "curl",
                "-sS",
                "--http1.1",
                "--cacert",
                FILES.caFile().toString(),
                "-D",
                "-",
                "-o",
                "/dev/null",
                "https://localhost:" + gateway.port() + path);
        assertThat(curl.exitCode()).as(curl.output()).isZero();
        List<String> hsts = curl.output()
                .lines()
                .filter(line -> line.toLowerCase().startsWith("strict-transport-security:"))
                .toList();
        assertThat(hsts)
                .as(curl.output())
                .containsExactly("strict-transport-security: max-age=31536000; includeSubDomains");
    }

    @Test
    void http2StreamsGetTheHeaderCountAndBodySizeLimits() throws Exception {
        HttpRequest.Builder many =
                HttpRequest.newBuilder(URI.create("https://localhost:" + gateway.port() + "/direct/many"));
        for (int i = 0; i < 25; i++) {
            many.header("x-h" + i, "v");
        }
        HttpResponse<String> tooMany = client().send(many.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(tooMany.version()).isEqualTo(HttpClient.Version.HTTP_2);
        assertThat(tooMany.statusCode()).isEqualTo(431);
        HttpResponse<String> tooLarge = client().send(
                        HttpRequest.newBuilder(URI.create("https://localhost:" + gateway.port() + "/scg/large"))
                                .POST(HttpRequest.BodyPublishers.ofString("x".repeat(2048)))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(tooLarge.statusCode()).isEqualTo(413);
        HttpResponse<String> bigHeader = client().send(
                        HttpRequest.newBuilder(URI.create("https://localhost:" + gateway.port() + "/direct/big"))
                                .header("x-big", "b".repeat(40_000))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(bigHeader.statusCode()).isEqualTo(431);
    }

    @Test
    void theHttp11ChecksRunBehindAlpn() throws Exception {
        StringBuilder headers = new StringBuilder();
        for (int i = 0; i < 25; i++) {
            headers.append("X-H").append(i).append(": v\r\n");
        }
        assertThat(overTls("GET /direct/many HTTP/1.1\r\nHost: localhost\r\n" + headers + "\r\n"))
                .startsWith("HTTP/1.1 431 ");
        assertThat(overTls(
                        "POST /direct/smuggle HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: identity, chunked\r\n\r\n"
                                + "0\r\n\r\n"))
                .startsWith("HTTP/1.1 400 ");
    }

    private static String overTls(String request) throws Exception {
        try (SSLSocket socket = (SSLSocket) sslContext().getSocketFactory().createSocket("127.0.0.1", gateway.port())) {
            socket.setSoTimeout(10_000);
            var parameters = socket.getSSLParameters();
            parameters.setApplicationProtocols(new String[] {"http/1.1"});
            parameters.setServerNames(List.of(new javax.net.ssl.SNIHostName("localhost")));
            socket.setSSLParameters(parameters);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            // The gateway answers and closes: read to the end.
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buffer = new byte[4096];
            int n;
            try {
                while ((n = in.read(buffer)) >= 0) {
                    out.write(buffer, 0, n);
                }
            } catch (IOException closed) {
                // a reset after the answer
            }
            return out.toString(StandardCharsets.ISO_8859_1);
        }
    }

    private static HttpClient client() throws Exception {
        return HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_2)
                .sslContext(sslContext())
                .connectTimeout(Duration.ofSeconds(10))
                .build();
    }

    private static SSLContext sslContext() throws Exception {
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        trust.setCertificateEntry("ca", FILES.ca.certificate());
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, factory.getTrustManagers(), null);
        return context;
    }
}
