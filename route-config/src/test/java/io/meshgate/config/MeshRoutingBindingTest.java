package io.meshgate.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.junit.jupiter.api.Test;

/** The mesh keys of the route file: listeners, authorization and eastWest, as the loader binds them. */
class MeshRoutingBindingTest {

    private static RouteConfig load(String yaml) throws ConfigException {
        return RouteConfigLoader.load(java.util.List.of(new RouteSource("mesh.yaml", yaml)));
    }

    private static Route route(RouteConfig config, String id) {
        return config.routes().stream()
                .filter(r -> r.id().equals(id))
                .findFirst()
                .orElseThrow();
    }

    @Test
    void routesArePublicOnlyUnlessTheySayOtherwise() throws ConfigException {
        RouteConfig config = load(
                """
                upstreams: { echo: { endpoints: [{ address: "127.0.0.1:1" }] } }
                routes:
                  - { id: plain, upstream: echo }
                  - { id: both, upstream: echo, listeners: [public, mesh] }
                  - { id: mesh, upstream: echo, listeners: mesh }
                  - { id: authorized, upstream: echo, authorization: { allow: { namespaces: shop } } }
                """);

        assertThat(route(config, "plain").listeners()).containsExactly(Listener.PUBLIC);
        assertThat(route(config, "plain").authorization()).isNull();
        assertThat(route(config, "both").listeners()).containsExactlyInAnyOrder(Listener.PUBLIC, Listener.MESH);
        assertThat(route(config, "mesh").listeners()).containsExactly(Listener.MESH);
        assertThat(route(config, "authorized").listeners()).containsExactly(Listener.MESH);
    }

    @Test
    void authorizationKeepsIdentitiesNamespacesAndTheWildcardApart() throws ConfigException {
        RouteConfig config = load(
                """
                upstreams: { echo: { endpoints: [{ address: "127.0.0.1:1" }] } }
                routes:
                  - id: orders
                    upstream: echo
                    authorization:
                      allow:
                        identities: [spiffe://cluster.local/ns/shop/sa/frontend, batch.jobs.example, "*"]
                        namespaces: [billing]
                """);

        MeshAuthorization authorization = route(config, "orders").authorization();
        assertThat(authorization.identities())
                .containsExactlyInAnyOrder("spiffe://cluster.local/ns/shop/sa/frontend", "batch.jobs.example");
        assertThat(authorization.namespaces()).containsExactly("billing");
        assertThat(authorization.anyIdentity()).isTrue();
    }

    @Test
    void eastWestMakesAnUpstreamAndAMeshRoutePerServiceAfterTheWrittenRoutes() throws ConfigException {
        RouteConfig config = load(
                """
                upstreams: { echo: { endpoints: [{ address: "127.0.0.1:1" }] } }
                eastWest:
                  - namespace: shop
                    services: [orders, cart]
                    port: http
                    authorization: { allow: { namespaces: [shop] } }
                routes:
                  - { id: written, upstream: echo, listeners: [mesh] }
                """);

        assertThat(config.routes())
                .extracting(Route::id)
                .containsExactly("written", "orders.shop.svc", "cart.shop.svc");
        Route orders = route(config, "orders.shop.svc");
        assertThat(orders.listeners()).isEqualTo(Set.of(Listener.MESH));
        assertThat(orders.match().hosts())
                .containsExactly("orders.shop.svc.cluster.local", "orders.shop.svc", "orders.shop");
        assertThat(orders.authorization().namespaces()).containsExactly("shop");
        assertThat(orders.filters()).isEmpty();
        assertThat(config.upstreams().get("orders.shop.svc").source())
                .isEqualTo(new KubernetesService("orders", "shop", "http", orders.location()));
        assertThat(config.eastWest()).hasSize(1);
    }
}
