package io.meshgate.app.discovery;

import static io.meshgate.k8s.Slices.notReady;
import static io.meshgate.k8s.Slices.port;
import static io.meshgate.k8s.Slices.ready;
import static io.meshgate.k8s.Slices.slice;
import static io.meshgate.k8s.Slices.terminating;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.meshgate.app.GatewayExtension;
import io.meshgate.k8s.KubernetesServiceDiscovery;
import io.meshgate.k8s.ServiceName;
import io.meshgate.k8s.ServiceWatch;
import io.meshgate.k8s.Slices;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;

/**
 * Kubernetes upstreams through a running gateway: the fabric8 mock API server (CRUD) plays the
 * cluster, echo servers on 127.0.0.x play the pods, and changes to EndpointSlices must steer traffic.
 */
class KubernetesDiscoveryIT {

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
                      payments: { balancer: round-robin, kubernetes: { service: payments, namespace: shop, port: http } }
                      catalog: { balancer: round-robin, kubernetes: { service: catalog, namespace: shop, port: 80 } }
                      empty: { balancer: round-robin, kubernetes: { service: empty, namespace: shop, port: http } }
                      vault: { balancer: round-robin, kubernetes: { service: vault, namespace: locked, port: http } }
                    routes:
                      - { id: orders, match: { path: /orders/** }, upstream: orders }
                      - { id: payments, match: { path: /payments/** }, upstream: payments }
                      - { id: catalog, match: { path: /catalog/** }, upstream: catalog }
                      - { id: empty, match: { path: /empty/** }, upstream: empty }
                      - { id: vault, match: { path: /vault/** }, upstream: vault }
                    """));

    static {
        // meshgate's service account may not read the 'locked' namespace.
        cluster.api().forbid("discovery.k8s.io", "endpointslices", "locked");
    }

    private final HttpClient http =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private static String ip(int host) {
        return "127.0.0." + host;
    }

    /** A slice of ready pods (by last address byte) on the pods' shared port, named {@code http}. */
    private static EndpointSlice slice(String service, String sliceName, Endpoint... endpoints) {
        return Slices.slice("shop", service, sliceName, port("http", cluster.podPort()), endpoints);
    }

    private static Endpoint[] readyPods(int... hosts) {
        return Arrays.stream(hosts).mapToObj(host -> ready(ip(host))).toArray(Endpoint[]::new);
    }

    /** The hosts the balancer of a Service port picks from now. */
    private static Set<String> balancerSees(String service, String port) {
        KubernetesServiceDiscovery discovery = gateway.context().getBean(KubernetesServiceDiscovery.class);
        ServiceWatch watch = discovery.watches().stream()
                .filter(w -> w.name().equals(new ServiceName("shop", service)))
                .findFirst()
                .orElseThrow();
        return watch.endpointSet(port).endpoints().stream()
                .map(io.meshgate.balance.Endpoint::host)
                .collect(Collectors.toSet());
    }

    /** Waits until the balancer sees exactly these pods; returns when that was seen (System.nanoTime). */
    private static long awaitBalancer(String service, int... hosts) {
        Set<String> expected =
                Arrays.stream(hosts).mapToObj(KubernetesDiscoveryIT::ip).collect(Collectors.toSet());
        await().pollDelay(Duration.ZERO)
                .pollInterval(Duration.ofMillis(5))
                .atMost(Duration.ofSeconds(5))
                .until(() -> balancerSees(service, "http").equals(expected));
        return System.nanoTime();
    }

    private BoundedLoad load(String path) {
        return new BoundedLoad(
                        URI.create("http://127.0.0.1:" + gateway.port() + path),
                        4,
                        20_000,
                        Duration.ofSeconds(60),
                        Duration.ofMillis(3))
                .start();
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port() + path))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode discoveryStatus() {
        return gateway.adminJson("/actuator/meshgatediscovery");
    }

    private static JsonNode watched(String namespace, String name) {
        for (JsonNode service : discoveryStatus().path("services")) {
            if (service.path("namespace").asString().equals(namespace)
                    && service.path("name").asString().equals(name)) {
                return service;
            }
        }
        return null;
    }

    /** One scale step: which pods (by address byte) serve, and when the gateway saw it. */
    private record Step(Set<String> pods, long appliedAt, long seenAt) {}

    @Test
    void scalingThreeOneThreeZeroTwoSteersTrafficAsSoonAsTheChangeIsSeen() {
        for (int host = 11; host <= 15; host++) {
            cluster.startPod("orders-" + host, ip(host));
        }
        int[][] scale = {{11, 12, 13}, {11}, {11, 14, 15}, {}, {12, 13}};
        List<Step> steps = new ArrayList<>();
        try (BoundedLoad load = load("/orders/x")) {
            for (int[] pods : scale) {
                long appliedAt = System.nanoTime();
                cluster.api().apply(slice("orders", "orders-abc12", readyPods(pods)));
                long seenAt = awaitBalancer("orders", pods);
                steps.add(new Step(
                        Arrays.stream(pods).mapToObj(host -> "orders-" + host).collect(Collectors.toSet()),
                        appliedAt,
                        seenAt));
                // Let every step take some traffic before the next change.
                await().atMost(Duration.ofSeconds(10)).until(() -> load.answeredSince(seenAt) >= 60);
            }
            List<BoundedLoad.Result> results = load.stop();

            for (int i = 0; i < steps.size(); i++) {
                Step step = steps.get(i);
                long until = i + 1 < steps.size() ? steps.get(i + 1).appliedAt() : Long.MAX_VALUE;
                List<BoundedLoad.Result> during = results.stream()
                        .filter(r -> r.startNanos() > step.seenAt() && r.startNanos() < until)
                        .toList();
                assertThat(during).as("requests during step %d", i).hasSizeGreaterThanOrEqualTo(60);
                if (step.pods().isEmpty()) {
                    assertThat(during).allSatisfy(r -> {
                        assertThat(r.status()).isEqualTo(503);
                        assertThat(r.body()).isEqualTo("upstream 'orders' has no ready endpoints\n");
                    });
                } else {
                    assertThat(during).allSatisfy(r -> assertThat(r.status()).isEqualTo(200));
                    // No request to a removed endpoint once the change is seen; every pod takes its turn.
                    assertThat(during.stream().map(BoundedLoad.Result::upstream).collect(Collectors.toSet()))
                            .as("pods serving during step %d", i)
                            .isEqualTo(step.pods());
                }
            }
        } finally {
            for (int host = 11; host <= 15; host++) {
                cluster.stopPod("orders-" + host);
            }
        }
    }

    @Test
    void aRollingUpdateThroughTerminatingEndpointsFailsNoRequest() {
        // v1 pods 21-23 are replaced one by one by v2 pods 24-26 (surge 1, none unavailable).
        for (int host = 21; host <= 23; host++) {
            cluster.startPod("payments-" + host, ip(host));
        }
        cluster.api().apply(slice("payments", "payments-x1", readyPods(21, 22, 23)));
        awaitBalancer("payments", 21, 22, 23);
        List<Endpoint> current = new ArrayList<>(List.of(readyPods(21, 22, 23)));
        try (BoundedLoad load = load("/payments/x")) {
            for (int i = 0; i < 3; i++) {
                int old = 21 + i;
                int next = 24 + i;
                cluster.startPod("payments-" + next, ip(next));
                current.add(notReady(ip(next)));
                apply("payments", current);
                replace(current, ip(next), ready(ip(next)));
                apply("payments", current);
                // The old pod is deleted: it terminates but still serves what it has.
                replace(current, ip(old), terminating(ip(old)));
                apply("payments", current);
                long seenAt = awaitBalancer("payments", serving(current));
                await().atMost(Duration.ofSeconds(10)).until(() -> load.noneInFlightStartedBefore(seenAt));
                cluster.stopPod("payments-" + old);
                current.removeIf(endpoint -> endpoint.getAddresses().get(0).equals(ip(old)));
                apply("payments", current);
                await().atMost(Duration.ofSeconds(10)).until(() -> load.answeredSince(seenAt) >= 40);
            }
            List<BoundedLoad.Result> results = load.stop();

            assertThat(results).hasSizeGreaterThan(120);
            assertThat(results)
                    .filteredOn(r -> r.status() != 200)
                    .as("failed requests")
                    .isEmpty();
            long lastChange = System.nanoTime();
            assertThat(balancerSees("payments", "http")).containsExactlyInAnyOrder(ip(24), ip(25), ip(26));
            assertThat(results.stream().filter(r -> r.startNanos() > lastChange).map(BoundedLoad.Result::upstream))
                    .allMatch(name ->
                            Set.of("payments-24", "payments-25", "payments-26").contains(name));
        } finally {
            for (int host = 21; host <= 26; host++) {
                cluster.stopPod("payments-" + host);
            }
        }
    }

    private static void apply(String service, List<Endpoint> endpoints) {
        cluster.api().apply(slice(service, service + "-x1", endpoints.toArray(Endpoint[]::new)));
    }

    private static void replace(List<Endpoint> endpoints, String address, Endpoint replacement) {
        endpoints.replaceAll(endpoint -> endpoint.getAddresses().get(0).equals(address) ? replacement : endpoint);
    }

    private static int[] serving(List<Endpoint> endpoints) {
        return endpoints.stream()
                .filter(endpoint -> endpoint.getConditions().getReady())
                .mapToInt(endpoint ->
                        Integer.parseInt(endpoint.getAddresses().get(0).substring("127.0.0.".length())))
                .toArray();
    }

    @Test
    void aServiceSpreadOverSeveralSlicesIsOneUpstreamAndItsPortNumberIsTheServicePort() throws Exception {
        for (int host = 31; host <= 33; host++) {
            cluster.startPod("catalog-" + host, ip(host));
        }
        try {
            // Service port 80 ("web") targets the pods' port; the route file says 80.
            cluster.api()
                    .client()
                    .resource(Slices.service("shop", "catalog", "web", 80, cluster.podPort()))
                    .create();
            cluster.api()
                    .apply(Slices.slice(
                            "shop", "catalog", "catalog-a", port("web", cluster.podPort()), readyPods(31, 32)));
            cluster.api()
                    .apply(Slices.slice("shop", "catalog", "catalog-b", port("web", cluster.podPort()), readyPods(33)));
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> balancerSees("catalog", "80").size() == 3);

            Map<String, Integer> served = new HashMap<>();
            for (int i = 0; i < 30; i++) {
                HttpResponse<String> response = get("/catalog/" + i);
                assertThat(response.statusCode()).isEqualTo(200);
                served.merge(response.headers().firstValue("x-upstream").orElseThrow(), 1, Integer::sum);
            }
            assertThat(served).isEqualTo(Map.of("catalog-31", 10, "catalog-32", 10, "catalog-33", 10));

            cluster.api().delete(Slices.slice("shop", "catalog", "catalog-b", port("web", cluster.podPort())));
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> balancerSees("catalog", "80").equals(Set.of(ip(31), ip(32))));
            JsonNode catalog = watched("shop", "catalog");
            assertThat(catalog.path("slices").asInt()).isEqualTo(1);
            assertThat(catalog.path("serviceFound").asBoolean()).isTrue();
            assertThat(catalog.path("ports").path("80")).hasSize(2);
        } finally {
            for (int host = 31; host <= 33; host++) {
                cluster.stopPod("catalog-" + host);
            }
        }
    }

    @Test
    void noReadyEndpointsAnswer503AtFullSpeedWithoutAskingTheApiServer() throws Exception {
        cluster.api().takeRequests();
        long start = System.nanoTime();
        for (int i = 0; i < 500; i++) {
            HttpResponse<String> response = get("/empty/" + i);
            assertThat(response.statusCode()).isEqualTo(503);
            assertThat(response.body()).isEqualTo("upstream 'empty' has no ready endpoints\n");
        }
        double millisPerRequest = (System.nanoTime() - start) / 1e6 / 500;

        assertThat(millisPerRequest).isLessThan(20);
        // Requests never reach the Kubernetes API: no list, no get, per request or otherwise. (The
        // forbidden 'vault' watch of another test retries its list in the background, with backoff.)
        assertThat(cluster.api().takeRequests())
                .filteredOn(request -> !request.getPath().contains("/namespaces/locked/"))
                .isEmpty();
    }

    @Test
    void aForbiddenListShowsWhichPermissionIsMissing() throws Exception {
        HttpResponse<String> response = get("/vault/x");
        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(response.body()).isEqualTo("upstream 'vault' has no ready endpoints\n");

        JsonNode vault = watched("locked", "vault");
        assertThat(vault.path("healthy").asBoolean()).isFalse();
        assertThat(vault.path("errors").path("forbidden").asLong()).isPositive();
        assertThat(vault.path("lastError").asString())
                .contains("may not list endpointslices.discovery.k8s.io in namespace 'locked'")
                .contains("Grant it list, watch on endpointslices.discovery.k8s.io and list, watch on services");
        assertThat(vault.path("stalenessSeconds").asDouble()).isPositive();
    }

    @Test
    void theAdminViewAndMetricsShowEveryWatchedService() {
        cluster.api().apply(slice("orders", "orders-abc12", readyPods(11, 12)));
        awaitBalancer("orders", 11, 12);
        await().atMost(Duration.ofSeconds(5))
                .until(() -> watched("shop", "orders").path("healthy").asBoolean());

        JsonNode status = discoveryStatus();
        assertThat(status.path("enabled").asBoolean()).isTrue();
        JsonNode orders = watched("shop", "orders");
        assertThat(orders.path("endpoints").path("ready").asInt()).isEqualTo(2);
        assertThat(orders.path("stalenessSeconds").asDouble()).isZero();
        assertThat(orders.path("lastHealthyAt").asString()).isNotEmpty();
        assertThat(orders.path("ports").path("http").get(0).path("address").asString())
                .isEqualTo(ip(11) + ":" + cluster.podPort());

        String prometheus = gateway.prometheus();
        assertThat(prometheus)
                .contains(
                        "meshgate_discovery_endpoints{k8s_namespace=\"shop\",k8s_service=\"orders\",state=\"ready\"} 2.0")
                .contains("meshgate_discovery_staleness_seconds{k8s_namespace=\"shop\",k8s_service=\"orders\"} 0.0")
                .containsPattern("meshgate_discovery_errors_total\\{k8s_namespace=\"locked\",k8s_service=\"vault\","
                        + "reason=\"forbidden\"} [1-9]");
    }

    @Test
    void aReloadStartsAndStopsWatches() {
        assertThat(watched("shop", "reviews")).isNull();
        cluster.api().takeRequests();

        gateway.writeFile(
                "reviews.yaml",
                """
                upstreams:
                  reviews: { balancer: round-robin, kubernetes: { service: reviews, namespace: shop, port: http } }
                routes:
                  - { id: reviews, match: { path: /reviews/** }, upstream: reviews }
                """);

        await().atMost(Duration.ofSeconds(10)).until(() -> watched("shop", "reviews") != null);
        // The mock server may record the list a moment after answering it: collect until it shows.
        List<String> paths = new java.util.ArrayList<>();
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            cluster.api().takeRequests().forEach(request -> paths.add(request.getPath()));
            assertThat(paths).anySatisfy(path -> assertThat(path).contains("service-name%3Dreviews"));
        });

        gateway.deleteFile("reviews.yaml");

        await().atMost(Duration.ofSeconds(10)).until(() -> watched("shop", "reviews") == null);
        assertThat(watched("shop", "orders")).isNotNull();
    }
}
