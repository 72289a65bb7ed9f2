package io.meshgate.app.mesh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.meshgate.app.GatewayExtension;
import io.meshgate.app.proxy.DirectRoute;
import io.meshgate.app.routing.ActiveRoutes;
import io.meshgate.app.routing.RouteTable;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Routes on listeners and per-route authorization on the mesh listener, with real mTLS clients
 * ({@code curl --cert}) on both request paths (direct: no filters; Spring Cloud Gateway: a filter).
 */
class MeshAuthorizationIT {

    private static final String FRONTEND = "spiffe://cluster.local/ns/shop/sa/frontend";
    private static final String BACKEND = "spiffe://cluster.local/ns/shop/sa/backend";
    private static final String PAYER = "spiffe://cluster.local/ns/billing/sa/payer";

    private static final MeshClients mesh = new MeshClients()
            .client("frontend", FRONTEND)
            .client("backend", BACKEND)
            .client("payer", PAYER);

    @RegisterExtension
    static final GatewayExtension gateway = mesh.configure(GatewayExtension.withUpstreams("v1", "site")
            .routes(
                    """
                    upstreams:
                      v1: { endpoints: [ { address: "{{v1}}" } ] }
                      site: { endpoints: [ { address: "{{site}}" } ] }
                    routes:
                      - id: orders-api
                        match: { path: /orders/** }
                        upstream: v1
                        authorization: { allow: { identities: [%1$s] } }
                      - id: orders-filtered
                        match: { path: /filtered/** }
                        upstream: v1
                        filters: [ "AddRequestHeader=x-f, 1" ]
                        authorization: { allow: { identities: [%1$s] } }
                      - id: billing-api
                        match: { path: /billing/** }
                        upstream: v1
                        authorization: { allow: { namespaces: [billing] } }
                      - id: locked
                        match: { path: /locked/** }
                        upstream: v1
                        listeners: [mesh]
                      - id: locked-filtered
                        match: { path: /locked-filtered/** }
                        upstream: v1
                        listeners: [mesh]
                        filters: [ "AddRequestHeader=x-f, 1" ]
                      - id: site
                        upstream: site
                    """
                            .formatted(FRONTEND)));

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @BeforeAll
    static void curlIsInstalled() {
        assumeTrue(MeshClients.curlInstalled(), "curl is not installed (.ci/run installs it); skipping");
    }

    @Test
    void anAllowedIdentityReachesTheUpstreamOnBothPaths() {
        MeshClients.Answer direct = mesh.get(gateway, "frontend", "/orders/1");
        MeshClients.Answer filtered = mesh.get(gateway, "frontend", "/filtered/1");

        assertThat(direct.status()).as(direct.body()).isEqualTo(200);
        assertThat(echo(direct).path("upstream").asString()).isEqualTo("v1");
        assertThat(filtered.status()).as(filtered.body()).isEqualTo(200);
        assertThat(echo(filtered).path("headers").path("x-f").asString()).isEqualTo("1");
        // Which path each took: the filter-less mesh route has a direct form, the filtered one none.
        RouteTable table = gateway.context().getBean(ActiveRoutes.class).current();
        assertThat(table.meshDirectRoute(MockServerHttpRequest.get("/orders/1").build()))
                .extracting(DirectRoute::id)
                .isEqualTo("orders-api");
        assertThat(table.meshDirectRoute(
                        MockServerHttpRequest.get("/filtered/1").build()))
                .isNull();
        assertThat(table.matchMesh(MockServerHttpRequest.get("/filtered/1").build())
                        .getId())
                .isEqualTo("orders-filtered");
    }

    @Test
    void anotherIdentityIsForbiddenWithTheReasonAndCountedOnBothPaths() {
        for (String route : List.of("orders-api", "orders-filtered")) {
            String path = route.equals("orders-api") ? "/orders/1" : "/filtered/1";
            double before = denied(route, BACKEND);

            MeshClients.Answer answer = mesh.get(gateway, "backend", path);

            assertThat(answer.status()).as(route).isEqualTo(403);
            assertThat(answer.body()).isEqualTo("identity " + BACKEND + " is not allowed on route " + route + "\n");
            assertThat(denied(route, BACKEND)).as(route).isEqualTo(before + 1);
        }
        assertThat(gateway.prometheus())
                .contains("meshgate_authz_denied_total{identity=\"" + BACKEND + "\",route=\"orders-api\"}");
    }

    @Test
    void aNamespaceAllowsItsServiceAccountsOnly() {
        assertThat(mesh.get(gateway, "payer", "/billing/1").status()).isEqualTo(200);
        assertThat(mesh.get(gateway, "frontend", "/billing/1").status()).isEqualTo(403);
    }

    @Test
    void aMeshRouteWithoutAuthorizationDeniesEveryoneOnBothPaths() {
        for (String path : List.of("/locked/1", "/locked-filtered/1")) {
            MeshClients.Answer answer = mesh.get(gateway, "frontend", path);

            assertThat(answer.status()).as(path).isEqualTo(403);
            assertThat(answer.body()).as(path).contains("has no authorization").contains(FRONTEND);
        }
    }

    @Test
    void aPublicRouteIsNotFoundOnTheMeshListener() {
        MeshClients.Answer answer = mesh.get(gateway, "frontend", "/site/1");

        assertThat(answer.status()).as(answer.body()).isEqualTo(404);
        assertThat(answer.body()).doesNotContain("\"upstream\"");
    }

    @Test
    void meshRoutesAreNotReachableOnThePublicListener() {
        // Every mesh route's path falls through to the catch-all public route.
        for (String path : List.of("/orders/1", "/filtered/1", "/billing/1", "/locked/1")) {
            byte[] body = gateway.client()
                    .get()
                    .uri(path)
                    .exchange()
                    .expectStatus()
                    .isOk()
                    .expectBody()
                    .returnResult()
                    .getResponseBody();
            assertThat(JSON.readTree(body).path("upstream").asString()).as(path).isEqualTo("site");
        }
    }

    private static JsonNode echo(MeshClients.Answer answer) {
        return JSON.readTree(answer.body());
    }

    private static double denied(String route, String identity) {
        Counter counter = gateway.context()
                .getBean(MeterRegistry.class)
                .find("meshgate.authz.denied")
                .tags("route", route, "identity", identity)
                .counter();
        return counter == null ? 0 : counter.count();
    }
}
