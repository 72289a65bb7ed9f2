package io.meshgate.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.meshgate.app.accesslog.AccessLog;
import io.meshgate.app.mesh.MeshClient;
import java.io.IOException;
import java.net.ServerSocket;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Traces through a running gateway into a real Zipkin server: one server span per request, one
 * client span per upstream attempt as its child, with meshgate's tags, and the upstream receiving
 * the client span's context, on the direct path and the Spring Cloud Gateway path alike.
 */
class TracingIT {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final int CLOSED_PORT = closedPort();
    private static final MeshClient MESH = MeshClient.withIdentity("spiffe://cluster.local/ns/shop/sa/tracer");

    @RegisterExtension
    @Order(1)
    static final ZipkinExtension zipkin = new ZipkinExtension();

    @RegisterExtension
    @Order(2)
    static final GatewayExtension gateway = MESH.configure(GatewayExtension.withUpstreams("a"))
            .arg("--management.tracing.export.zipkin.endpoint=" + zipkin.spansEndpoint())
            .arg("--meshgate.access-log.enabled=false")
            .routes(
                    """
                    upstreams:
                      a: { endpoints: [ { address: "{{a}}" } ] }
                      dead: { endpoints: [ { address: "127.0.0.1:%d" } ] }
                      flaky:
                        balancer: round-robin
                        outlierDetection: false
                        endpoints: [ { address: "127.0.0.1:%d" }, { address: "{{a}}" } ]
                    routes:
                      - { id: retried, match: { path: /retried/** }, upstream: flaky }
                      - { id: retried-filtered, match: { path: /retried-filtered/** }, upstream: flaky,
                          filters: [ "AddRequestHeader=X-Via, scg" ] }
                      - id: filtered
                        match: { path: /filtered/** }
                        upstream: a
                        listeners: [public, mesh]
                        authorization: { allow: { identities: "*" } }
                        filters: [ "StripPrefix=1" ]
                      - id: dead
                        match: { path: /dead/** }
                        upstream: dead
                      - id: direct
                        upstream: a
                        listeners: [public, mesh]
                        authorization: { allow: { identities: "*" } }
                    """
                            .formatted(CLOSED_PORT, CLOSED_PORT));

    @Test
    void directPathRequestIsAServerSpanWithAClientSpanChildThatTheUpstreamContinues() throws Exception {
        String traceId = hex(32);
        String callerSpan = hex(16);
        JsonNode echo = get("/orders/1", "traceparent", "00-" + traceId + "-" + callerSpan + "-01");

        String[] sent = echo.path("headers").path("traceparent").asString().split("-");
        assertThat(sent[1]).isEqualTo(traceId);
        assertThat(sent[3]).as("sampled flag passed on").isEqualTo("01");

        JsonNode trace = zipkin.awaitTrace(traceId, 2);
        assertThat(trace.size()).isEqualTo(2);
        JsonNode server = span(trace, "SERVER");
        JsonNode client = span(trace, "CLIENT");
        assertThat(server.path("parentId").asString()).isEqualTo(callerSpan);
        assertThat(server.path("name").asString()).isEqualTo("get direct");
        assertThat(server.path("tags").path("meshgate.route").asString()).isEqualTo("direct");
        assertThat(server.path("tags").path("http.status_code").asString()).isEqualTo("200");
        assertThat(server.path("tags").path("outcome").asString()).isEqualTo("SUCCESS");
        assertThat(server.path("tags").has("error")).isFalse();
        assertClientSpan(client, server, "direct");
        assertThat(sent[2])
                .as("the upstream's parent is the client span")
                .isEqualTo(client.path("id").asString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"/orders/1", "/filtered/orders/1"})
    void meshRequestsServerSpanNamesTheVerifiedClientIdentityAndTls(String path) throws Exception {
        String traceId = hex(32);
        MeshClient.Response response = MESH.get(gateway, path, "traceparent", "00-" + traceId + "-" + hex(16) + "-01");
        assertThat(response.status()).as(response.body()).isEqualTo(200);

        JsonNode server = span(zipkin.awaitTrace(traceId, 2), "SERVER");
        JsonNode tags = server.path("tags");
        assertThat(tags.path("meshgate.client.identity").asString()).isEqualTo(MESH.identity());
        assertThat(tags.path("tls.protocol").asString()).startsWith("TLSv1.");
        assertThat(tags.path("tls.sni").asString()).isEqualTo(MeshClient.SERVER_NAME);
    }

    @Test
    void trafficPortServerSpanHasNoClientIdentity() throws Exception {
        String traceId = hex(32);
        get("/orders/1", "traceparent", "00-" + traceId + "-" + hex(16) + "-01");
        JsonNode server = span(zipkin.awaitTrace(traceId, 2), "SERVER");
        assertThat(server.path("tags").has("meshgate.client.identity")).isFalse();
        assertThat(server.path("tags").has("tls.protocol")).isFalse();
    }

    @Test
    void filterPathTakesB3AndSendsW3cTraceContext() throws Exception {
        String traceId = hex(32);
        String callerSpan = hex(16);
        JsonNode echo = get("/filtered/orders/1", "b3", traceId + "-" + callerSpan + "-1");

        JsonNode headers = echo.path("headers");
        assertThat(headers.has("b3")).as("the caller's B3 header is replaced").isFalse();
        String[] sent = headers.path("traceparent").asString().split("-");
        assertThat(sent[1]).isEqualTo(traceId);
        assertThat(sent[3]).isEqualTo("01");

        JsonNode trace = zipkin.awaitTrace(traceId, 2);
        assertThat(trace.size()).isEqualTo(2);
        JsonNode server = span(trace, "SERVER");
        JsonNode client = span(trace, "CLIENT");
        assertThat(server.path("parentId").asString()).isEqualTo(callerSpan);
        assertThat(server.path("name").asString()).isEqualTo("get filtered");
        assertThat(server.path("tags").path("meshgate.route").asString()).isEqualTo("filtered");
        assertThat(server.path("tags").path("http.status_code").asString()).isEqualTo("200");
        assertClientSpan(client, server, "filtered");
        assertThat(sent[2]).isEqualTo(client.path("id").asString());
    }

    @Test
    void unsampledDecisionOfTheCallerIsHonouredOnBothPaths() throws Exception {
        String direct = hex(32);
        String filtered = hex(32);
        JsonNode directEcho = get("/orders/1", "traceparent", "00-" + direct + "-" + hex(16) + "-00");
        JsonNode filteredEcho = get("/filtered/orders/1", "traceparent", "00-" + filtered + "-" + hex(16) + "-00");
        for (JsonNode echo : new JsonNode[] {directEcho, filteredEcho}) {
            String[] sent = echo.path("headers").path("traceparent").asString().split("-");
            assertThat(sent[3]).as("not-sampled flag passed on").isEqualTo("00");
        }
        assertThat(directEcho.path("headers").path("traceparent").asString()).contains(direct);
        assertThat(filteredEcho.path("headers").path("traceparent").asString()).contains(filtered);

        // Spans leave in order through one reporter: once a later sampled trace is in Zipkin, the
        // unsampled ones would be too, had they been reported.
        String later = hex(32);
        get("/orders/1", "traceparent", "00-" + later + "-" + hex(16) + "-01");
        zipkin.awaitTrace(later, 2);
        assertThat(zipkin.trace(direct)).isNull();
        assertThat(zipkin.trace(filtered)).isNull();
    }

    @Test
    void failedAttemptIsMarkedOnTheClientSpanAndTheServerSpanCarriesTheAnswer() throws Exception {
        String traceId = hex(32);
        gateway.client()
                .get()
                .uri("/dead/x")
                .header("traceparent", "00-" + traceId + "-" + hex(16) + "-01")
                .exchange()
                .expectStatus()
                .isEqualTo(503);

        JsonNode trace = zipkin.awaitTrace(traceId, 2);
        JsonNode server = span(trace, "SERVER");
        JsonNode client = span(trace, "CLIENT");
        assertThat(server.path("tags").path("http.status_code").asString()).isEqualTo("503");
        assertThat(server.path("tags").path("outcome").asString()).isEqualTo("SERVER_ERROR");
        assertThat(server.path("tags").has("error")).isTrue();
        assertThat(client.path("parentId").asString())
                .isEqualTo(server.path("id").asString());
        assertThat(client.path("tags").path("meshgate.upstream").asString()).isEqualTo("dead");
        assertThat(client.path("tags").path("meshgate.endpoint").asString()).isEqualTo("127.0.0.1:" + CLOSED_PORT);
        assertThat(client.path("tags").path("outcome").asString()).isEqualTo("ERROR");
        assertThat(client.path("tags").path("error").asString()).isNotEmpty();
        assertThat(client.path("tags").has("http.status_code")).isFalse();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"retried", "retried-filtered"})
    void aRetriedRequestIsOneServerSpanWithTwoSiblingClientSpans(String route) throws Exception {
        // Round-robin over a closed port and a live endpoint: within two requests one meets the closed
        // port first, is retried (connect failure) on the live one, and says so when asked.
        String traceId = null;
        for (int i = 0; i < 4 && traceId == null; i++) {
            String candidate = hex(32);
            String attempts = gateway.client()
                    .get()
                    .uri("/" + route + "/x")
                    .header("traceparent", "00-" + candidate + "-" + hex(16) + "-01")
                    .header("x-meshgate-debug", "attempts")
                    .exchange()
                    .expectStatus()
                    .isOk()
                    .returnResult(String.class)
                    .getResponseHeaders()
                    .getFirst("x-meshgate-attempts");
            if ("2".equals(attempts)) {
                traceId = candidate;
            }
        }
        assertThat(traceId).as("a request that took two attempts").isNotNull();

        JsonNode trace = zipkin.awaitTrace(traceId, 3);
        JsonNode server = span(trace, "SERVER");
        List<JsonNode> clients = StreamSupport.stream(trace.spliterator(), false)
                .filter(span -> "CLIENT".equals(span.path("kind").asString()))
                .sorted(java.util.Comparator.comparing(
                        span -> span.path("tags").path("meshgate.attempt").asString()))
                .toList();
        assertThat(clients).hasSize(2);
        JsonNode first = clients.get(0);
        JsonNode retry = clients.get(1);
        for (JsonNode client : clients) {
            assertThat(client.path("parentId").asString())
                    .as("siblings under the server span")
                    .isEqualTo(server.path("id").asString());
            assertThat(client.path("tags").path("meshgate.route").asString()).isEqualTo(route);
            assertThat(client.path("tags").path("meshgate.upstream").asString()).isEqualTo("flaky");
        }
        assertThat(first.path("tags").path("meshgate.attempt").asString()).isEqualTo("1");
        assertThat(first.path("tags").path("meshgate.endpoint").asString()).isEqualTo("127.0.0.1:" + CLOSED_PORT);
        assertThat(first.path("tags").path("error").asString()).isNotEmpty();
        assertThat(first.path("tags").has("meshgate.retry_reason")).isFalse();
        assertThat(retry.path("tags").path("meshgate.attempt").asString()).isEqualTo("2");
        assertThat(retry.path("tags").path("meshgate.retry_reason").asString()).isEqualTo("connect-failure");
        assertThat(retry.path("tags").path("meshgate.endpoint").asString())
                .isEqualTo(gateway.upstream("a").address());
        assertThat(retry.path("tags").path("http.status_code").asString()).isEqualTo("200");
        assertThat(server.path("tags").path("http.status_code").asString()).isEqualTo("200");
    }

    @Test
    void upstreamServerErrorMarksBothSpans() throws Exception {
        String traceId = hex(32);
        gateway.client()
                .get()
                .uri("/filtered/x")
                .header("traceparent", "00-" + traceId + "-" + hex(16) + "-01")
                .header("x-echo-status", "502")
                .exchange()
                .expectStatus()
                .isEqualTo(502);

        JsonNode trace = zipkin.awaitTrace(traceId, 2);
        for (JsonNode span : trace) {
            assertThat(span.path("tags").path("http.status_code").asString()).isEqualTo("502");
            assertThat(span.path("tags").path("error").asString()).isEqualTo("502");
        }
    }

    @Test
    void accessLogSwitchedOffLeavesNoLogger() {
        assertThat(gateway.context().getBeanProvider(AccessLog.class).getIfAvailable())
                .isNull();
        assertThat(gateway.prometheus()).doesNotContain("meshgate_access_log_dropped");
    }

    private static void assertClientSpan(JsonNode client, JsonNode server, String route) {
        assertThat(client.path("parentId").asString())
                .isEqualTo(server.path("id").asString());
        assertThat(client.path("name").asString()).isEqualTo("get a");
        JsonNode tags = client.path("tags");
        assertThat(tags.path("meshgate.route").asString()).isEqualTo(route);
        assertThat(tags.path("meshgate.upstream").asString()).isEqualTo("a");
        assertThat(tags.path("meshgate.endpoint").asString())
                .isEqualTo(gateway.upstream("a").address());
        assertThat(tags.path("meshgate.attempt").asString()).isEqualTo("1");
        assertThat(tags.has("meshgate.retry_reason")).isFalse();
        assertThat(tags.path("http.status_code").asString()).isEqualTo("200");
        assertThat(tags.path("outcome").asString()).isEqualTo("SUCCESS");
        assertThat(client.path("remoteEndpoint").path("serviceName").asString()).isEqualTo("a");
        assertThat(client.path("remoteEndpoint").path("port").asInt())
                .isEqualTo(gateway.upstream("a").port());
        assertThat(client.path("timestamp").asLong())
                .isGreaterThanOrEqualTo(server.path("timestamp").asLong());
    }

    private static JsonNode span(JsonNode trace, String kind) {
        return StreamSupport.stream(trace.spliterator(), false)
                .filter(span -> kind.equals(span.path("kind").asString()))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no " + kind + " span in " + trace));
    }

    private static JsonNode get(String path, String header, String value) {
        byte[] body = gateway.client()
                .get()
                .uri(path)
                .header(header, value)
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody()
                .returnResult()
                .getResponseBody();
        return JSON.readTree(body);
    }

    private static String hex(int digits) {
        StringBuilder hex = new StringBuilder(digits);
        ThreadLocalRandom random = ThreadLocalRandom.current();
        // A leading non-zero digit: an all-zero id is invalid.
        hex.append(Character.forDigit(1 + random.nextInt(15), 16));
        while (hex.length() < digits) {
            hex.append(Character.forDigit(random.nextInt(16), 16));
        }
        return hex.toString();
    }

    private static int closedPort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
