package io.meshgate.app;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.http.HttpStatus;
import org.springframework.test.web.reactive.server.WebTestClient;

/** Routing by each kind of match, through a running gateway to real upstreams. */
class RoutingIT {

    @RegisterExtension
    static final GatewayExtension gateway = GatewayExtension.withUpstreams("a", "b", "c", "slow")
            .routes(
                    """
                    upstreams:
                      a: { endpoints: [ { address: "{{a}}" } ] }
                      b: { endpoints: [ { address: "{{b}}" } ] }
                      ab: { balancer: round-robin, endpoints: [ { address: "{{a}}" }, { address: "{{b}}" } ] }
                      c: { endpoints: [ { address: "{{c}}" } ] }
                      slow: { endpoints: [ { address: "{{slow}}" } ] }
                      orders: { kubernetes: { service: orders, namespace: shop, port: http } }
                    routes:
                      - id: exact-host
                        match: { host: api.example.com, path: /host/** }
                        upstream: a
                      - id: wildcard-host
                        match: { host: "*.example.com", path: /host/** }
                        upstream: b
                      - id: methods
                        match: { path: /method/**, methods: [POST, PUT] }
                        upstream: a
                      - id: header-exact
                        match: { path: /header/**, headers: { X-Canary: "true" } }
                        upstream: a
                      - id: header-regex
                        match: { path: /header/**, headers: { X-Id: { regex: "[0-9]+" } } }
                        upstream: b
                      - id: query
                        match: { path: /query/**, query: { version: "2" } }
                        upstream: a
                      - id: filters
                        match: { path: /api/** }
                        upstream: c
                        filters: [ "StripPrefix=1", "AddRequestHeader=X-From, meshgate", "AddResponseHeader=X-Route, filters" ]
                      - id: timeout
                        match: { path: /timeout/** }
                        upstream: slow
                        timeout: 300ms
                      - id: no-endpoints
                        match: { path: /orders/** }
                        upstream: orders
                      - id: round-robin
                        match: { path: /rr/** }
                        upstream: ab
                      - id: fallback
                        match: { path: /** }
                        upstream: c
                    """);

    private final WebTestClient client = gateway.client();

    private String servedBy(WebTestClient.RequestHeadersSpec<?> request) {
        return request.exchange()
                .expectStatus()
                .isOk()
                .returnResult(String.class)
                .getResponseHeaders()
                .getFirst("x-upstream");
    }

    @Test
    void exactHostWinsAndWildcardHostTakesOtherSubdomains() {
        assertThat(servedBy(client.get().uri("/host/x").header("Host", "api.example.com")))
                .isEqualTo("a");
        assertThat(servedBy(client.get().uri("/host/x").header("Host", "API.example.com:8080")))
                .isEqualTo("a");
        assertThat(servedBy(client.get().uri("/host/x").header("Host", "www.example.com")))
                .isEqualTo("b");
        assertThat(servedBy(client.get().uri("/host/x").header("Host", "example.org")))
                .isEqualTo("c");
    }

    @Test
    void methodsSelectTheRoute() {
        assertThat(servedBy(client.post().uri("/method/x"))).isEqualTo("a");
        assertThat(servedBy(client.put().uri("/method/x"))).isEqualTo("a");
        assertThat(servedBy(client.get().uri("/method/x"))).isEqualTo("c");
    }

    @Test
    void headersSelectTheRoute() {
        assertThat(servedBy(client.get().uri("/header/x").header("X-Canary", "true")))
                .isEqualTo("a");
        assertThat(servedBy(client.get().uri("/header/x").header("X-Id", "123")))
                .isEqualTo("b");
        assertThat(servedBy(client.get().uri("/header/x").header("X-Id", "12x")))
                .isEqualTo("c");
        assertThat(servedBy(client.get().uri("/header/x"))).isEqualTo("c");
    }

    @Test
    void queryParametersSelectTheRoute() {
        assertThat(servedBy(client.get().uri("/query/x?version=2"))).isEqualTo("a");
        assertThat(servedBy(client.get().uri("/query/x?version=3"))).isEqualTo("c");
    }

    @Test
    void filtersRewriteTheRequestAndResponse() {
        client.get()
                .uri(java.net.URI.create("http://127.0.0.1:" + gateway.port() + "/api/items/7?x=1%202"))
                .exchange()
                .expectStatus()
                .isOk()
                .expectHeader()
                .valueEquals("X-Route", "filters")
                .expectHeader()
                .valueEquals("x-upstream", "c")
                .expectBody()
                .jsonPath("$.uri")
                .isEqualTo("/items/7?x=1%202")
                .jsonPath("$.headers['x-from']")
                .isEqualTo("meshgate");
    }

    @Test
    void slowUpstreamGetsGatewayTimeoutAfterTheRouteTimeout() {
        long start = System.nanoTime();
        client.get()
                .uri("/timeout/x")
                .header("x-echo-delay-ms", "5000")
                .exchange()
                .expectStatus()
                .isEqualTo(HttpStatus.GATEWAY_TIMEOUT);
        assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(3000);
    }

    @Test
    void upstreamWithoutEndpointsAnswers503NamingIt() {
        client.get()
                .uri("/orders/1")
                .exchange()
                .expectStatus()
                .isEqualTo(HttpStatus.SERVICE_UNAVAILABLE)
                .expectBody(String.class)
                .isEqualTo("upstream 'orders' has no ready endpoints\n");
    }

    @Test
    void endpointsOfAnUpstreamTakeTurns() {
        String first = servedBy(client.get().uri("/rr/1"));
        String second = servedBy(client.get().uri("/rr/2"));
        String third = servedBy(client.get().uri("/rr/3"));
        assertThat(first).isNotEqualTo(second);
        assertThat(third).isEqualTo(first);
    }

    @Test
    void upstreamStatusAndBodyPassThrough() {
        client.get()
                .uri("/anything")
                .header("x-echo-status", "418")
                .exchange()
                .expectStatus()
                .isEqualTo(418)
                .expectBody()
                .jsonPath("$.upstream")
                .isEqualTo("c");
    }

    @Test
    void requestBodiesReachTheUpstream() {
        client.post()
                .uri("/anything")
                .bodyValue("x".repeat(100_000))
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.bodyBytes")
                .isEqualTo(100_000);
    }
}
