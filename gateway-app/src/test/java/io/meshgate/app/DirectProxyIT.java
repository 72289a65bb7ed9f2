package io.meshgate.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.http.HttpStatus;

/**
 * Routes without Spring Cloud Gateway filters take meshgate's direct proxy path: what a client and an
 * upstream see must be what a proxy owes them.
 */
class DirectProxyIT {

    private static final int CLOSED_PORT = closedPort();

    @RegisterExtension
    static final GatewayExtension gateway = GatewayExtension.withUpstreams("a")
            .routes(
                    """
                    upstreams:
                      a: { endpoints: [ { address: "{{a}}" } ] }
                      dead: { endpoints: [ { address: "127.0.0.1:%d" } ] }
                    routes:
                      - id: dead
                        match: { path: /dead/** }
                        upstream: dead
                      - id: dead-filtered
                        match: { path: /dead-filtered/** }
                        upstream: dead
                        filters: [ "StripPrefix=1" ]
                      - id: slow-filtered
                        match: { path: /slow-filtered/** }
                        upstream: a
                        timeout: 200ms
                        filters: [ "StripPrefix=1" ]
                      - id: filtered
                        match: { path: /filtered/** }
                        upstream: a
                        filters: [ "StripPrefix=1" ]
                      - id: all
                        upstream: a
                    """
                            .formatted(CLOSED_PORT));

    private static int closedPort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void pathAndQueryReachTheUpstreamByteForByte() {
        gateway.client()
                .get()
                .uri(URI.create("http://127.0.0.1:" + gateway.port() + "/a%20b/c%2Fd?x=1%202&y"))
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.uri")
                .isEqualTo("/a%20b/c%2Fd?x=1%202&y")
                .jsonPath("$.headers.host")
                .isEqualTo(gateway.upstream("a").address());
    }

    @Test
    void hopByHopHeadersAreNotForwarded() {
        gateway.client()
                .get()
                .uri("/hop")
                .header("Connection", "keep-alive, X-Connection-Scoped")
                .header("X-Connection-Scoped", "1")
                .header("Keep-Alive", "timeout=5")
                .header("Proxy-Authorization", "Basic c2VjcmV0")
                .header("X-End-To-End", "kept")
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.headers['x-end-to-end']")
                .isEqualTo("kept")
                .jsonPath("$.headers['x-connection-scoped']")
                .doesNotExist()
                .jsonPath("$.headers['keep-alive']")
                .doesNotExist()
                .jsonPath("$.headers['proxy-authorization']")
                .doesNotExist();
    }

    @Test
    void largeBodiesStreamThrough() {
        byte[] body = new byte[1 << 20];
        gateway.client()
                .post()
                .uri("/upload")
                .bodyValue(body)
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.bodyBytes")
                .isEqualTo(1 << 20);
    }

    @Test
    void refusedConnectionIs503NamingUpstreamAndEndpoint() {
        gateway.client()
                .get()
                .uri("/dead/x")
                .exchange()
                .expectStatus()
                .isEqualTo(HttpStatus.SERVICE_UNAVAILABLE)
                .expectBody(String.class)
                .value(text -> assertThat(text)
                        .startsWith("upstream 'dead' endpoint 127.0.0.1:" + CLOSED_PORT + ": cannot connect"));
    }

    @Test
    void bothPathsAnswerUpstreamFailuresAlike() {
        for (String path : new String[] {"/dead/x", "/dead-filtered/x"}) {
            gateway.client()
                    .get()
                    .uri(path)
                    .exchange()
                    .expectStatus()
                    .isEqualTo(HttpStatus.SERVICE_UNAVAILABLE)
                    .expectBody(String.class)
                    .value(text -> assertThat(text)
                            .as(path)
                            .startsWith("upstream 'dead' endpoint 127.0.0.1:" + CLOSED_PORT + ": cannot connect"));
        }
        gateway.client()
                .get()
                .uri("/slow-filtered/x")
                .header("x-echo-delay-ms", "3000")
                .exchange()
                .expectStatus()
                .isEqualTo(HttpStatus.GATEWAY_TIMEOUT)
                .expectBody(String.class)
                .isEqualTo("upstream 'a' endpoint " + gateway.upstream("a").address()
                        + ": no response within the route timeout 200ms\n");
    }

    @Test
    void catchAllRouteDoesNotCaptureTheManagementPort() {
        gateway.admin().get().uri("/actuator/health").exchange().expectStatus().isOk();
    }

    @Test
    void bothPathsRecordRouteMetrics() {
        gateway.client().get().uri("/metrics-probe").exchange().expectStatus().isOk();
        gateway.client()
                .get()
                .uri("/filtered/metrics-probe")
                .exchange()
                .expectStatus()
                .isOk();
        assertThat(gateway.prometheus())
                .containsPattern("meshgate_route_requests_seconds_count\\{route=\"all\",status=\"2xx\"} [1-9]")
                .containsPattern("meshgate_route_requests_seconds_count\\{route=\"filtered\",status=\"2xx\"} [1-9]")
                .contains("meshgate_route_requests_seconds_bucket{route=\"all\",status=\"2xx\",le=\"0.005\"}");
    }
}
