package io.meshgate.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.meshgate.app.quickstart.EchoServer;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;

/**
 * {@code /actuator/meshgate/explain} on the management port says which route a request takes, why the
 * routes before it do not, and which backends and endpoints are eligible; the same request sent through
 * the gateway lands where the explanation says.
 */
class ExplainIT {

    @RegisterExtension
    static final GatewayExtension gateway = GatewayExtension.withUpstreams("a", "b")
            .routes(
                    """
                    upstreams:
                      a: { endpoints: [ { address: "{{a}}" } ] }
                      b: { endpoints: [ { address: "{{b}}" }, { address: "127.0.0.1:9", weight: 0 } ] }
                      ghost: { kubernetes: { service: ghost, namespace: shop, port: http } }
                    routes:
                      - { id: admin, match: { host: admin.example.com, path: /orders/** }, upstream: a }
                      - id: beta
                        match: { path: /orders/**, headers: { X-Beta: "on" } }
                        backends: [ { upstream: a, weight: 3 }, { upstream: b, weight: 1 } ]
                      - id: orders
                        match: { path: /orders/**, methods: [GET] }
                        backends: [ { upstream: a, weight: 9 }, { upstream: ghost, weight: 1 } ]
                        filters: [ "AddRequestHeader=X-From, meshgate" ]
                    """);

    /** The explain view; values go in as written (the client encodes what a query needs encoded). */
    private static JsonNode explain(String method, String host, String path, String... headers) {
        StringBuilder uri = new StringBuilder("/actuator/meshgate/explain?method=" + method + "&path=" + path);
        if (host != null) {
            uri.append("&host=").append(host);
        }
        for (String header : headers) {
            uri.append("&header=").append(header);
        }
        return gateway.adminJson(uri.toString());
    }

    private static long routeRequests(String route) {
        return gateway.prometheus()
                .lines()
                .filter(line -> line.startsWith("meshgate_route_requests_seconds_count{route=\"" + route + "\""))
                .mapToLong(line -> (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                .sum();
    }

    @Test
    void namesTheMatchingRouteWhyEarlierOnesFailedAndItsBackends() {
        JsonNode answer = explain("GET", "api.example.com", "/orders/7", "X-Beta:on");

        assertThat(answer.path("tried").get(0).path("id").asString()).isEqualTo("admin");
        assertThat(answer.path("tried").get(0).path("because").asString())
                .isEqualTo("host 'api.example.com' does not match [admin.example.com]");
        assertThat(answer.path("tried").get(1).path("matches").asBoolean()).isTrue();
        assertThat(answer.path("tried")).hasSize(2);
        assertThat(answer.path("route").path("id").asString()).isEqualTo("beta");
        assertThat(answer.path("route").path("path").asString()).isEqualTo("direct proxy");
        JsonNode backends = answer.path("backends");
        assertThat(backends.get(0).path("upstream").asString()).isEqualTo("a");
        assertThat(backends.get(0).path("share").asDouble()).isEqualTo(0.75);
        assertThat(backends.get(1).path("eligible").asBoolean()).isTrue();
        JsonNode bEndpoints = backends.get(1).path("endpoints");
        assertThat(bEndpoints.get(0).path("address").asString())
                .isEqualTo(gateway.upstream("b").address());
        assertThat(bEndpoints.get(0).path("eligible").asBoolean()).isTrue();
        assertThat(bEndpoints.get(1).path("address").asString()).isEqualTo("127.0.0.1:9");
        assertThat(bEndpoints.get(1).path("eligible").asBoolean()).isFalse();
        assertThat(bEndpoints.get(1).path("because").asString()).contains("weight 0");

        // The same request through the gateway takes that route and one of those upstreams.
        long before = routeRequests("beta");
        String upstream = gateway.client()
                .get()
                .uri("/orders/7")
                .header("Host", "api.example.com")
                .header("X-Beta", "on")
                .exchange()
                .expectStatus()
                .isOk()
                .returnResult(String.class)
                .getResponseHeaders()
                .getFirst(EchoServer.UPSTREAM_HEADER);
        assertThat(upstream).isIn("a", "b");
        // The route's meter is recorded once the response is sent, which may be just after the client has it.
        org.awaitility.Awaitility.await()
                .atMost(java.time.Duration.ofSeconds(5))
                .untilAsserted(() -> assertThat(routeRequests("beta")).isEqualTo(before + 1));
    }

    @Test
    void saysWhyNoRouteTakesARequestThatGets404() {
        JsonNode answer = explain("POST", "api.example.com", "/orders/7?x=1");

        assertThat(answer.path("tried").findValuesAsString("because"))
                .containsExactly(
                        "host 'api.example.com' does not match [admin.example.com]",
                        "header X-Beta is absent; expected equal to 'on'",
                        "method POST is not one of [GET]");
        assertThat(answer.path("answer").asString()).isEqualTo("404: no route matches");
        assertThat(answer.path("request").path("query").path("x").asString()).isEqualTo("1");
        gateway.client()
                .post()
                .uri("/orders/7?x=1")
                .header("Host", "api.example.com")
                .exchange()
                .expectStatus()
                .isNotFound();
    }

    @Test
    void marksABackendWithoutEndpointsAsNotEligible() {
        JsonNode answer = explain("GET", null, "/orders/1");

        assertThat(answer.path("tried").findValuesAsString("id")).containsExactly("admin", "beta", "orders");
        assertThat(answer.path("tried").get(0).path("because").asString())
                .isEqualTo("no Host header does not match [admin.example.com]");
        assertThat(answer.path("route").path("path").asString()).isEqualTo("Spring Cloud Gateway filter chain");
        JsonNode ghost = answer.path("backends").get(1);
        assertThat(ghost.path("upstream").asString()).isEqualTo("ghost");
        assertThat(ghost.path("eligible").asBoolean()).isFalse();
        assertThat(ghost.path("because").asString()).startsWith("no ready endpoints");
        assertThat(ghost.path("source").asString())
                .isEqualTo("Kubernetes Service shop/ghost port http (ready endpoints)");
        assertThat(ghost.path("endpoints")).isEmpty();
    }

    @Test
    void otherViewsAre404AndBadQueriesAre400() {
        gateway.admin()
                .get()
                .uri("/actuator/meshgate/other?path=/")
                .exchange()
                .expectStatus()
                .isNotFound();
        gateway.admin()
                .get()
                .uri("/actuator/meshgate/explain?method=GET")
                .exchange()
                .expectStatus()
                .isBadRequest();
        gateway.admin()
                .get()
                .uri("/actuator/meshgate/explain?path=/orders/1&header=X-Beta")
                .exchange()
                .expectStatus()
                .isBadRequest();
        assertThat(List.of(explain("GET", null, "/orders/1", "X-Beta:on", "X-Other:1")
                        .path("route")
                        .path("id")
                        .asString()))
                .containsExactly("beta");
    }
}
