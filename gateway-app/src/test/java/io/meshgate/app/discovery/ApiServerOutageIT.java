package io.meshgate.app.discovery;

import static io.meshgate.k8s.Slices.port;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.meshgate.app.GatewayExtension;
import io.meshgate.k8s.Slices;
import java.net.URI;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;

/** The API server goes away and comes back while the gateway serves a Kubernetes upstream. */
class ApiServerOutageIT {

    @RegisterExtension
    @Order(1)
    static final KubernetesApiExtension cluster = new KubernetesApiExtension();

    @RegisterExtension
    @Order(2)
    static final GatewayExtension gateway = cluster.configure(
            GatewayExtension.withUpstreams()
                    .routes(
                            """
                    upstreams:
                      orders: { balancer: round-robin, kubernetes: { service: orders, namespace: shop, port: http } }
                    routes:
                      - { id: orders, match: { path: /orders/** }, upstream: orders }
                    """));

    private static JsonNode orders() {
        return gateway.adminJson("/actuator/meshgatediscovery").path("services").get(0);
    }

    private static void scale(String... ips) {
        cluster.api()
                .apply(Slices.slice(
                        "shop",
                        "orders",
                        "orders-abc12",
                        port("http", cluster.podPort()),
                        Arrays.stream(ips).map(Slices::ready).toArray(Endpoint[]::new)));
    }

    @Test
    void trafficContinuesOnTheLastKnownEndpointsWhileTheApiServerIsDownAndFollowsChangesAfter() {
        cluster.startPod("orders-41", "127.0.0.41");
        cluster.startPod("orders-42", "127.0.0.42");
        cluster.startPod("orders-43", "127.0.0.43");
        scale("127.0.0.41", "127.0.0.42");
        await().atMost(Duration.ofSeconds(5))
                .until(() -> orders().path("endpoints").path("ready").asInt() == 2
                        && orders().path("healthy").asBoolean());

        try (BoundedLoad load = new BoundedLoad(
                        URI.create("http://127.0.0.1:" + gateway.port() + "/orders/x"),
                        4,
                        20_000,
                        Duration.ofSeconds(60),
                        Duration.ofMillis(3))
                .start()) {
            cluster.api().stop();
            long down = System.nanoTime();

            await().atMost(Duration.ofSeconds(10))
                    .until(() -> orders().path("errors").path("disconnected").asLong() == 1);
            JsonNode stale = orders();
            assertThat(stale.path("healthy").asBoolean()).isFalse();
            assertThat(stale.path("stalenessSeconds").asDouble()).isGreaterThanOrEqualTo(2.0);
            assertThat(stale.path("lastError").asString()).startsWith("Lost the watch of Service shop/orders");
            assertThat(stale.path("endpoints").path("ready").asInt()).isEqualTo(2);
            String metrics = prometheus();
            assertThat(metrics)
                    .containsPattern(
                            "meshgate_discovery_staleness_seconds\\{k8s_namespace=\"shop\",k8s_service=\"orders\"}"
                                    + " [1-9]");
            assertThat(load.answeredSince(down)).isGreaterThan(100);

            cluster.api().start();
            long up = System.nanoTime();
            await().atMost(Duration.ofSeconds(40))
                    .until(() -> orders().path("healthy").asBoolean());
            scale("127.0.0.42", "127.0.0.43");
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> orders().path("ports").path("http").findValuesAsString("address").stream()
                            .filter(address -> address.startsWith("127.0.0.41"))
                            .findAny()
                            .isEmpty());
            long changed = System.nanoTime();
            await().atMost(Duration.ofSeconds(10)).until(() -> load.answeredSince(changed) >= 60);
            List<BoundedLoad.Result> results = load.stop();

            assertThat(results)
                    .filteredOn(r -> r.status() != 200)
                    .as("failed requests")
                    .isEmpty();
            assertThat(results.stream()
                            .filter(r -> r.startNanos() > down && r.startNanos() < up)
                            .map(BoundedLoad.Result::upstream)
                            .collect(Collectors.toSet()))
                    .as("served while the API server was down")
                    .isEqualTo(Set.of("orders-41", "orders-42"));
            assertThat(results.stream()
                            .filter(r -> r.startNanos() > changed)
                            .map(BoundedLoad.Result::upstream)
                            .collect(Collectors.toSet()))
                    .as("served after the change that followed the restart")
                    .isEqualTo(Set.of("orders-42", "orders-43"));
            assertThat(orders().path("stalenessSeconds").asDouble()).isZero();
        }
    }

    private static String prometheus() {
        return gateway.prometheus();
    }
}
