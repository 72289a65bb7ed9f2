package io.meshgate.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.meshgate.app.mesh.MeshClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The access log through a running gateway: one JSON line per request on both request paths, for
 * requests no route takes and upstreams without endpoints too, with the trace id the upstream saw.
 */
class AccessLogIT {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Path LOG = tempLog();
    private static final int CLOSED_PORT = closedPort();
    private static final MeshClient MESH = MeshClient.withIdentity("spiffe://cluster.local/ns/shop/sa/logger");

    @RegisterExtension
    static final GatewayExtension gateway = MESH.configure(GatewayExtension.withUpstreams("a"))
            .arg("--meshgate.access-log.file=" + LOG)
            .routes(
                    """
                    upstreams:
                      a: { endpoints: [ { address: "{{a}}" } ] }
                      dead: { endpoints: [ { address: "127.0.0.1:%d" } ] }
                      empty: { kubernetes: { service: nothing, port: 80 } }
                    routes:
                      - id: filtered
                        match: { path: /filtered/** }
                        upstream: a
                        listeners: [public, mesh]
                        authorization: { allow: { identities: "*" } }
                        filters: [ "StripPrefix=1" ]
                      - id: dead
                        match: { path: /dead/** }
                        upstream: dead
                      - id: empty
                        match: { path: /empty/** }
                        upstream: empty
                      - id: direct
                        match: { path: /direct/** }
                        upstream: a
                        listeners: [public, mesh]
                        authorization: { allow: { identities: "*" } }
                    """
                            .formatted(CLOSED_PORT));

    @Test
    void directPathRequestIsOneLineWithItsRouteUpstreamAndTrace() {
        String marker = marker();
        Instant before = Instant.now();
        JsonNode echo = echo("/direct/" + marker + "?secret=1", "POST", "hello");

        JsonNode line = awaitLine(marker);
        assertThat(line.path("method").asString()).isEqualTo("POST");
        assertThat(line.path("path").asString()).as("no query string").isEqualTo("/direct/" + marker);
        assertThat(line.path("route").asString()).isEqualTo("direct");
        assertThat(line.path("upstream").asString()).isEqualTo("a");
        assertThat(line.path("endpoint").asString())
                .isEqualTo(gateway.upstream("a").address());
        assertThat(line.path("status").asInt()).isEqualTo(200);
        assertThat(line.path("attempts").asInt()).isEqualTo(1);
        assertThat(line.path("bytes_in").asLong()).isEqualTo(5);
        assertThat(line.path("bytes_out").asLong()).isPositive();
        assertThat(line.path("duration_ms").asDouble()).isPositive();
        assertThat(Instant.parse(line.path("time").asString())).isBetween(before.minusMillis(1), Instant.now());
        assertThat(line.path("client").asString()).startsWith("127.0.0.1:");
        assertThat(line.has("identity")).isTrue();
        assertThat(line.path("identity").isNull())
                .as("no identity on the traffic port")
                .isTrue();
        assertThat(line.has("error")).isFalse();
        assertThat(line.path("trace_id").asString())
                .hasSize(32)
                .isEqualTo(echo.path("headers").path("traceparent").asString().split("-")[1]);
    }

    @Test
    void meshRequestsNameTheVerifiedClientIdentityOnBothPaths() {
        for (String prefix : List.of("/direct/", "/filtered/")) {
            String marker = marker();
            MeshClient.Response response = MESH.get(gateway, prefix + marker);
            assertThat(response.status()).as(response.body()).isEqualTo(200);

            JsonNode line = awaitLine(marker);
            assertThat(line.path("route").asString()).isEqualTo(prefix.replace("/", ""));
            assertThat(line.path("identity").asString()).as(prefix).isEqualTo(MESH.identity());
        }
    }

    @Test
    void filterPathRequestIsOneLineWithTheOriginalPath() {
        String marker = marker();
        echo("/filtered/" + marker, "GET", null);

        JsonNode line = awaitLine(marker);
        assertThat(line.path("path").asString()).isEqualTo("/filtered/" + marker);
        assertThat(line.path("route").asString()).isEqualTo("filtered");
        assertThat(line.path("upstream").asString()).isEqualTo("a");
        assertThat(line.path("endpoint").asString())
                .isEqualTo(gateway.upstream("a").address());
        assertThat(line.path("status").asInt()).isEqualTo(200);
        assertThat(line.path("attempts").asInt()).isEqualTo(1);
        assertThat(line.path("bytes_in").isNull()).isTrue();
        assertThat(line.path("trace_id").asString()).hasSize(32);
        assertThat(line.path("sampled").asBoolean()).isFalse();
    }

    @Test
    void requestsThatNeverReachAnUpstreamAreLoggedToo() {
        String unrouted = marker();
        gateway.client().get().uri("/" + unrouted).exchange().expectStatus().isNotFound();
        JsonNode line = awaitLine(unrouted);
        assertThat(line.path("status").asInt()).isEqualTo(404);
        assertThat(line.path("route").isNull()).isTrue();
        assertThat(line.path("attempts").asInt()).isZero();
        assertThat(line.has("error")).as("a 404 is an answer, not an error").isFalse();

        String empty = marker();
        gateway.client().get().uri("/empty/" + empty).exchange().expectStatus().isEqualTo(503);
        line = awaitLine(empty);
        assertThat(line.path("route").asString()).isEqualTo("empty");
        assertThat(line.path("upstream").asString()).isEqualTo("empty");
        assertThat(line.path("endpoint").isNull()).isTrue();
        assertThat(line.path("status").asInt()).isEqualTo(503);
        assertThat(line.path("attempts").asInt()).isZero();
    }

    @Test
    void failedAttemptIsLoggedWithItsEndpointAndError() {
        String marker = marker();
        gateway.client().get().uri("/dead/" + marker).exchange().expectStatus().isEqualTo(503);

        JsonNode line = awaitLine(marker);
        assertThat(line.path("status").asInt()).isEqualTo(503);
        assertThat(line.path("upstream").asString()).isEqualTo("dead");
        assertThat(line.path("endpoint").asString()).isEqualTo("127.0.0.1:" + CLOSED_PORT);
        // The default retry policy tries a refused connection three times (the only endpoint each time).
        assertThat(line.path("attempts").asInt()).isEqualTo(3);
        assertThat(line.path("error").asString()).contains("Connection refused");
    }

    @Test
    void clientLeavingBeforeTheAnswerIsLoggedAs499() {
        String marker = marker();
        HttpClient client = HttpClient.newHttpClient();
        HttpRequest request = HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + gateway.port() + "/direct/" + marker))
                .header("x-echo-delay-ms", "3000")
                .timeout(Duration.ofMillis(300))
                .build();
        assertThatThrownBy(() -> client.send(request, HttpResponse.BodyHandlers.discarding()))
                .isInstanceOf(HttpTimeoutException.class);

        JsonNode line = awaitLine(marker);
        assertThat(line.path("status").asInt()).isEqualTo(499);
        assertThat(line.path("attempts").asInt()).isEqualTo(1);
        assertThat(line.path("duration_ms").asDouble()).isLessThan(3000);
    }

    @Test
    void everyLineIsOneJsonObjectAndNothingIsDropped() throws IOException {
        String marker = marker();
        for (int i = 0; i < 50; i++) {
            gateway.client()
                    .get()
                    .uri("/direct/" + marker + "/" + i)
                    .exchange()
                    .expectStatus()
                    .isOk();
        }
        await().atMost(Duration.ofSeconds(10))
                .until(() -> lines().stream().filter(l -> l.contains(marker)).count() == 50);
        for (String line : Files.readAllLines(LOG)) {
            assertThat(JSON.readTree(line).isObject()).as(line).isTrue();
        }
        assertThat(gateway.prometheus()).contains("meshgate_access_log_dropped_total 0.0");
    }

    private static JsonNode echo(String path, String method, String body) {
        var request = gateway.client()
                .method(org.springframework.http.HttpMethod.valueOf(method))
                .uri(path);
        var spec = body == null ? request.exchange() : request.bodyValue(body).exchange();
        return JSON.readTree(
                spec.expectStatus().isOk().expectBody().returnResult().getResponseBody());
    }

    private static JsonNode awaitLine(String marker) {
        String line = await("access log line for " + marker)
                .atMost(Duration.ofSeconds(10))
                .until(() -> lines().stream().filter(l -> l.contains(marker)).toList(), found -> !found.isEmpty())
                .get(0);
        assertThat(lines().stream().filter(l -> l.contains(marker))).hasSize(1);
        return JSON.readTree(line);
    }

    private static List<String> lines() {
        try {
            return Files.exists(LOG) ? Files.readAllLines(LOG) : List.of();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String marker() {
        return "m" + UUID.randomUUID().toString().replace("-", "");
    }

    private static Path tempLog() {
        try {
            return Files.createTempDirectory("meshgate-access-").resolve("access.log");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int closedPort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
