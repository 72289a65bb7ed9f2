package io.meshgate.app.edge;

import static org.assertj.core.api.Assertions.assertThat;

import io.meshgate.app.GatewayExtension;
import java.io.IOException;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * What the upstream sees of the client, on both request paths: {@code X-Forwarded-*} and {@code
 * Forwarded} set from the connection, a spoofed chain from an untrusted peer replaced, a trusted
 * proxy's chain appended to; hop-by-hop headers and Netty's {@code x-http2-*} names never arrive.
 * Peers are told apart by the loopback address the test connects from: 127.0.0.2 is trusted.
 */
class ForwardedHeadersIT {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @RegisterExtension
    static final GatewayExtension gateway = GatewayExtension.withUpstreams("echo")
            .routes(
                    """
                    upstreams:
                      echo: { endpoints: [ { address: "{{echo}}" } ] }
                    routes:
                      - id: scg
                        match: { path: /scg/** }
                        upstream: echo
                        filters: [ "AddRequestHeader=x-path, scg" ]
                      - id: direct
                        upstream: echo
                    """)
            .arg("--meshgate.forwarded.trusted-proxies[0]=127.0.0.2/32")
            .arg("--meshgate.forwarded.trusted-proxies[1]=10.0.0.0/8");

    private static final String SPOOFED = "X-Forwarded-For: 6.6.6.6\r\n"
            + "X-Forwarded-Proto: https\r\n"
            + "X-Forwarded-Host: evil.example\r\n"
            + "X-Forwarded-Port: 443\r\n"
            + "Forwarded: for=6.6.6.6;proto=https\r\n";

    @ParameterizedTest
    @ValueSource(strings = {"/direct/f", "/scg/f"})
    void anUntrustedClientsForwardedHeadersAreReplaced(String path) throws IOException {
        JsonNode headers = send("127.0.0.1", path, SPOOFED);
        assertThat(headers.path("x-forwarded-for").asString()).isEqualTo("127.0.0.1");
        assertThat(headers.path("x-forwarded-proto").asString()).isEqualTo("http");
        assertThat(headers.path("x-forwarded-host").asString()).isEqualTo("api.example.com");
        assertThat(headers.path("x-forwarded-port").asString()).isEqualTo(String.valueOf(gateway.port()));
        assertThat(headers.path("forwarded").asString()).isEqualTo("for=127.0.0.1;proto=http;host=\"api.example.com\"");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/direct/f", "/scg/f"})
    void withoutIncomingHeadersTheGatewaySetsThem(String path) throws IOException {
        JsonNode headers = send("127.0.0.2", path, "");
        assertThat(headers.path("x-forwarded-for").asString()).isEqualTo("127.0.0.2");
        assertThat(headers.path("x-forwarded-proto").asString()).isEqualTo("http");
        assertThat(headers.path("forwarded").asString()).isEqualTo("for=127.0.0.2;proto=http;host=\"api.example.com\"");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/direct/f", "/scg/f"})
    void aTrustedProxysChainIsAppendedToAndItsProtoHostAndPortKept(String path) throws IOException {
        JsonNode headers = send("127.0.0.2", path, SPOOFED.replace("6.6.6.6\r\n", "203.0.113.7, 10.1.2.3\r\n"));
        assertThat(headers.path("x-forwarded-for").asString()).isEqualTo("203.0.113.7, 10.1.2.3, 127.0.0.2");
        assertThat(headers.path("x-forwarded-proto").asString()).isEqualTo("https");
        assertThat(headers.path("x-forwarded-host").asString()).isEqualTo("evil.example");
        assertThat(headers.path("x-forwarded-port").asString()).isEqualTo("443");
        assertThat(headers.path("forwarded").asString())
                .isEqualTo("for=6.6.6.6;proto=https, for=127.0.0.2;proto=http;host=\"api.example.com\"");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/direct/h", "/scg/h"})
    void hopByHopAndNettyInternalHeadersNeverReachTheUpstream(String path) throws IOException {
        JsonNode headers = send(
                "127.0.0.1",
                path,
                "Connection: keep-alive, X-Scoped\r\n"
                        + "X-Scoped: 1\r\n"
                        + "Keep-Alive: timeout=5\r\n"
                        + "Proxy-Connection: keep-alive\r\n"
                        + "Proxy-Authorization: Basic c2VjcmV0\r\n"
                        + "TE: trailers, deflate\r\n"
                        + "Upgrade: h2c\r\n"
                        + "X-Http2-Stream-Id: 3\r\n"
                        + "X-Http2-Scheme: https\r\n"
                        + "X-Kept: yes\r\n");
        assertThat(headers.has("x-scoped")).isFalse();
        assertThat(headers.has("keep-alive")).isFalse();
        assertThat(headers.has("proxy-connection")).isFalse();
        assertThat(headers.has("proxy-authorization")).isFalse();
        assertThat(headers.has("upgrade")).isFalse();
        assertThat(headers.has("x-http2-stream-id")).isFalse();
        assertThat(headers.has("x-http2-scheme")).isFalse();
        assertThat(headers.path("te").asString()).isEqualTo("trailers");
        assertThat(headers.path("x-kept").asString()).isEqualTo("yes");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/direct/c", "/scg/c"})
    void aConnectionOptionCannotStripTheBodysFraming(String path) throws IOException {
        try (RawHttp connection = new RawHttp(gateway.port())) {
            connection.send("POST " + path + " HTTP/1.1\r\nHost: api.example.com\r\n"
                    + "Connection: Content-Length\r\nContent-Length: 5\r\n\r\nhello");
            RawHttp.Answer answer = connection.read(java.time.Duration.ZERO, java.time.Duration.ofSeconds(10));
            assertThat(answer.status()).as(answer.text()).isEqualTo(200);
            assertThat(JSON.readTree(answer.body()).path("bodyBytes").asInt()).isEqualTo(5);
        }
    }

    private static JsonNode send(String from, String path, String extraHeaders) throws IOException {
        try (RawHttp connection = new RawHttp(gateway.port(), from)) {
            connection.send("GET " + path + " HTTP/1.1\r\nHost: api.example.com\r\n" + extraHeaders + "\r\n");
            RawHttp.Answer answer = connection.read(java.time.Duration.ZERO, java.time.Duration.ofSeconds(10));
            assertThat(answer.status()).as(answer.text()).isEqualTo(200);
            return JSON.readTree(answer.body()).path("headers");
        }
    }
}
