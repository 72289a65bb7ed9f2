package io.meshgate.app.mesh;

import static io.meshgate.k8s.Slices.port;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.meshgate.app.GatewayExtension;
import io.meshgate.app.discovery.KubernetesApiExtension;
import io.meshgate.k8s.Slices;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * East-west routing by Service name on the mesh listener: the Services of an {@code eastWest} entry
 * are reached by their cluster host names, their endpoints discovered from a mock Kubernetes API,
 * authorized like written routes, and a written mesh route wins over the implicit one.
 */
class EastWestIT {

    private static final String FRONTEND = "spiffe://cluster.local/ns/shop/sa/frontend";
    private static final String STRANGER = "spiffe://cluster.local/ns/other/sa/stranger";

    private static final MeshClients mesh =
            new MeshClients().client("frontend", FRONTEND).client("stranger", STRANGER);

    @RegisterExtension
    @Order(1)
    static final KubernetesApiExtension cluster = new KubernetesApiExtension();

    @RegisterExtension
    @Order(2)
    static final GatewayExtension gateway = mesh.configure(
            cluster.configure(
                    GatewayExtension.withUpstreams("special")
                            .routes(
                                    """
                    upstreams:
                      special: { endpoints: [ { address: "{{special}}" } ] }
                    routes:
                      - id: cart-special
                        match: { host: cart.shop, path: /special/** }
                        upstream: special
                        authorization: { allow: { namespaces: [shop] } }
                    eastWest:
                      - namespace: shop
                        services: [orders, cart, empty]
                        port: http
                        authorization: { allow: { namespaces: [shop] } }
                      - namespace: locked
                        services: [vault]
                        port: http
                    """)));

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @BeforeAll
    static void podsAndSlices() {
        assumeTrue(MeshClients.curlInstalled(), "curl is not installed (.ci/run installs it); skipping");
        cluster.startPod("orders-1", "127.0.0.61");
        cluster.startPod("cart-1", "127.0.0.62");
        cluster.startPod("vault-1", "127.0.0.63");
        cluster.api()
                .apply(Slices.slice(
                        "shop", "orders", "orders-a1", port("http", cluster.podPort()), Slices.ready("127.0.0.61")));
        cluster.api()
                .apply(Slices.slice(
                        "shop", "cart", "cart-a1", port("http", cluster.podPort()), Slices.ready("127.0.0.62")));
        cluster.api()
                .apply(Slices.slice(
                        "locked", "vault", "vault-a1", port("http", cluster.podPort()), Slices.ready("127.0.0.63")));
        await().atMost(Duration.ofSeconds(10))
                .until(() -> mesh.get(gateway, "frontend", "/", "-H", "Host: orders.shop")
                                        .status()
                                == 200
                        && mesh.get(gateway, "frontend", "/", "-H", "Host: cart.shop")
                                        .status()
                                == 200);
    }

    @Test
    void everyHostFormReachesTheServicesEndpoints() {
        for (String host : List.of(
                "orders.shop.svc.cluster.local",
                "orders.shop.svc.cluster.local:8080",
                "orders.shop.svc",
                "orders.shop",
                "orders.shop:80")) {
            MeshClients.Answer answer = mesh.get(gateway, "frontend", "/items?id=1", "-H", "Host: " + host);

            assertThat(answer.status()).as(host + ": " + answer.body()).isEqualTo(200);
            assertThat(JSON.readTree(answer.body()).path("upstream").asString())
                    .as(host)
                    .isEqualTo("orders-1");
            assertThat(JSON.readTree(answer.body()).path("uri").asString())
                    .as(host)
                    .isEqualTo("/items?id=1");
        }
        assertThat(upstream(mesh.get(gateway, "frontend", "/", "-H", "Host: cart.shop.svc")))
                .isEqualTo("cart-1");
    }

    @Test
    void implicitRoutesAreAuthorizedAndDenyWithoutAPolicy() {
        MeshClients.Answer stranger = mesh.get(gateway, "stranger", "/", "-H", "Host: orders.shop");
        MeshClients.Answer noPolicy = mesh.get(gateway, "frontend", "/", "-H", "Host: vault.locked");

        assertThat(stranger.status()).isEqualTo(403);
        assertThat(stranger.body()).isEqualTo("identity " + STRANGER + " is not allowed on route orders.shop.svc\n");
        assertThat(noPolicy.status()).isEqualTo(403);
        assertThat(noPolicy.body()).contains("route vault.locked.svc").contains("has no authorization");
    }

    @Test
    void aWrittenMeshRouteWinsOverTheImplicitOne() {
        assertThat(upstream(mesh.get(gateway, "frontend", "/special/1", "-H", "Host: cart.shop")))
                .isEqualTo("special");
        assertThat(upstream(mesh.get(gateway, "frontend", "/other", "-H", "Host: cart.shop")))
                .isEqualTo("cart-1");
    }

    @Test
    void theExplainViewShowsTheMeshListenersRoutes() {
        JsonNode mesh = gateway.adminJson("/actuator/meshgate/explain?listener=mesh&host=cart.shop&path=/other");
        JsonNode traffic = gateway.adminJson("/actuator/meshgate/explain?host=cart.shop&path=/other");

        assertThat(mesh.path("request").path("listener").asString()).isEqualTo("mesh");
        assertThat(mesh.path("tried").get(0).path("id").asString()).isEqualTo("cart-special");
        assertThat(mesh.path("route").path("id").asString()).isEqualTo("cart.shop.svc");
        assertThat(mesh.path("route").path("path").asString()).isEqualTo("direct proxy");
        assertThat(traffic.path("route").path("id").isMissingNode()).isTrue();
        assertThat(traffic.path("tried")).isEmpty();
    }

    @Test
    void unknownServicesAndServicesWithoutEndpointsAreNotServed() {
        assertThat(mesh.get(gateway, "frontend", "/", "-H", "Host: payments.shop")
                        .status())
                .isEqualTo(404);
        MeshClients.Answer empty = mesh.get(gateway, "frontend", "/", "-H", "Host: empty.shop.svc");
        assertThat(empty.status()).isEqualTo(503);
        assertThat(empty.body()).contains("upstream 'empty.shop.svc' has no ready endpoints");
    }

    @Test
    void serviceHostsAreNotRoutedOnThePublicListener() {
        gateway.client()
                .get()
                .uri("/")
                .header("Host", "orders.shop")
                .exchange()
                .expectStatus()
                .isNotFound();
    }

    private static String upstream(MeshClients.Answer answer) {
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        return JSON.readTree(answer.body()).path("upstream").asString();
    }
}
