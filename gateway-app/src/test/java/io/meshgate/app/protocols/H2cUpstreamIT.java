package io.meshgate.app.protocols;

import static org.assertj.core.api.Assertions.assertThat;

import io.meshgate.app.GatewayExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.netty.http.HttpProtocol;

/**
 * {@code protocol: h2c}: the gateway speaks HTTP/2 with prior knowledge to an upstream that speaks
 * nothing else, on both request paths, while a client talks HTTP/1.1 to the gateway.
 */
class H2cUpstreamIT {

    static final TestUpstream H2C_ONLY = TestUpstream.start(http -> http.protocol(HttpProtocol.H2C));

    @RegisterExtension
    static GatewayExtension gateway = GatewayExtension.withUpstreams()
            .routes(
                    """
            upstreams:
              h2c: { protocol: h2c, endpoints: [{ address: "%s" }] }
            routes:
              - { id: direct, match: { path: /direct/** }, upstream: h2c }
              - { id: filtered, match: { path: /filtered/** }, upstream: h2c, filters: [ "AddRequestHeader=x-path, scg" ] }
            """
                            .formatted(H2C_ONLY.address()));

    @AfterAll
    static void stopUpstream() {
        H2C_ONLY.close();
    }

    @Test
    void directPathReachesTheUpstreamOverHttp2() {
        assertThat(post("/direct/orders")).startsWith("protocol=HTTP/2.0 client=none path=/direct/orders body=5");
    }

    @Test
    void gatewayPathReachesTheUpstreamOverHttp2() {
        assertThat(post("/filtered/orders")).startsWith("protocol=HTTP/2.0 client=none path=/filtered/orders body=5");
    }

    @Test
    void adminViewSaysTheUpstreamIsReachedOverH2c() {
        assertThat(gateway.status()
                        .path("active")
                        .path("upstreams")
                        .path("h2c")
                        .path("transport")
                        .asString())
                .isEqualTo("h2c");
    }

    private static String post(String path) {
        return gateway.client()
                .post()
                .uri(path)
                .bodyValue("hello")
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody(String.class)
                .returnResult()
                .getResponseBody();
    }
}
