package io.meshgate.k8s;

import static io.meshgate.k8s.Slices.port;
import static io.meshgate.k8s.Slices.ready;
import static io.meshgate.k8s.Slices.slice;
import static io.meshgate.k8s.Slices.terminating;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.meshgate.balance.Endpoint;
import io.meshgate.balance.EndpointSet;
import io.meshgate.config.KubernetesService;
import io.meshgate.config.SourceLocation;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** Discovery against the fabric8 mock API server in CRUD mode. */
class KubernetesServiceDiscoveryTest {

    private final MockApiServer api = new MockApiServer().start();
    private final KubernetesClient client =
            new KubernetesClientBuilder().withConfig(api.config("default")).build();
    private final List<ServiceName> stopped = new ArrayList<>();
    private final KubernetesServiceDiscovery discovery = new KubernetesServiceDiscovery(
            client,
            new KubernetesServiceDiscovery.Settings(Duration.ofSeconds(2), Duration.ofMillis(100)),
            Clock.systemUTC(),
            new DiscoveryListener() {
                @Override
                public void watchStarted(ServiceWatch watch) {}

                @Override
                public void watchStopped(ServiceWatch watch) {
                    stopped.add(watch.name());
                }
            });

    @AfterEach
    void close() {
        discovery.close();
        client.close();
        api.close();
    }

    static KubernetesService ref(String namespace, String service, String port) {
        return new KubernetesService(service, namespace, port, SourceLocation.unknown("routes.yaml"));
    }

    static List<String> addresses(EndpointSet set) {
        return set.endpoints().stream().map(Endpoint::address).toList();
    }

    @Test
    void mergesAllSlicesOfTheServiceAndFollowsTheirChanges() {
        api.apply(slice("shop", "orders", "orders-a", port("http", 8080), ready("10.0.0.1"), ready("10.0.0.2")));
        api.apply(slice("shop", "orders", "orders-b", port("http", 8080), ready("10.0.0.3")));
        api.apply(slice("shop", "other", "other-a", port("http", 8080), ready("10.0.9.9")));
        api.apply(slice("default", "orders", "orders-a", port("http", 8080), ready("10.0.8.8")));

        EndpointSet orders = discovery.endpoints(ref("shop", "orders", "http"));

        // The first list completed before endpoints() returned: no 503 window at start.
        assertThat(addresses(orders)).containsExactly("10.0.0.1:8080", "10.0.0.2:8080", "10.0.0.3:8080");

        api.apply(slice("shop", "orders", "orders-a", port("http", 8080), ready("10.0.0.1"), terminating("10.0.0.2")));
        await().atMost(Duration.ofSeconds(5))
                .untilAsserted(() -> assertThat(addresses(orders)).containsExactly("10.0.0.1:8080", "10.0.0.3:8080"));

        api.delete(slice("shop", "orders", "orders-b", port("http", 8080)));
        await().atMost(Duration.ofSeconds(5))
                .untilAsserted(() -> assertThat(addresses(orders)).containsExactly("10.0.0.1:8080"));

        WatchStatus status = discovery.status().get(0);
        assertThat(status.service()).isEqualTo(new ServiceName("shop", "orders"));
        assertThat(status.counts()).isEqualTo(new EndpointSlices.Counts(1, 2, 1, 2));
        assertThat(status.slices()).isEqualTo(1);
        await().atMost(Duration.ofSeconds(5))
                .until(() -> discovery.status().get(0).healthy());
        assertThat(discovery.status().get(0).stalenessSeconds()).isZero();
    }

    @Test
    void aServiceWithoutEndpointsIsEmptyUntilItsPodsAppear() {
        EndpointSet orders = discovery.endpoints(ref("shop", "orders", "http"));
        assertThat(orders.endpoints()).isEmpty();

        api.apply(slice("shop", "orders", "orders-a", port("http", 8080), ready("10.0.0.1")));

        await().atMost(Duration.ofSeconds(5))
                .untilAsserted(() -> assertThat(addresses(orders)).containsExactly("10.0.0.1:8080"));
    }

    @Test
    void aServicePortNumberResolvesThroughTheService() {
        api.apply(slice("shop", "orders", "orders-a", port("http", 8080), ready("10.0.0.1")));
        EndpointSet byServicePort = discovery.endpoints(ref("shop", "orders", "80"));
        EndpointSet byEndpointPort = discovery.endpoints(ref("shop", "orders", "8080"));
        // No Service object yet: 80 is no endpoint port.
        assertThat(byServicePort.endpoints()).isEmpty();
        assertThat(addresses(byEndpointPort)).containsExactly("10.0.0.1:8080");

        api.client()
                .resource(Slices.service("shop", "orders", "http", 80, 8080))
                .create();

        await().atMost(Duration.ofSeconds(5))
                .untilAsserted(() -> assertThat(addresses(byServicePort)).containsExactly("10.0.0.1:8080"));
        assertThat(discovery.status().get(0).serviceFound()).isTrue();
    }

    @Test
    void onlyReferencedServicesAreWatched() {
        discovery.endpoints(ref("shop", "orders", "http"));
        discovery.endpoints(ref("shop", "orders", "9090"));
        discovery.endpoints(ref("shop", "catalog", "http"));
        assertThat(discovery.watches()).extracting(ServiceWatch::name).hasSize(2);

        discovery.retain(List.of(ref("shop", "orders", "http")));

        assertThat(discovery.watches())
                .extracting(ServiceWatch::name)
                .containsExactly(new ServiceName("shop", "orders"));
        assertThat(discovery.status().get(0).ports()).containsOnlyKeys("http");
        assertThat(stopped).containsExactly(new ServiceName("shop", "catalog"));
        api.takeRequests();

        // A change to the unwatched Service reaches nobody; a new reference starts its watch again.
        api.apply(slice("shop", "catalog", "catalog-a", port("http", 8080), ready("10.0.1.1")));
        EndpointSet catalog = discovery.endpoints(ref("shop", "catalog", "http"));
        assertThat(addresses(catalog)).containsExactly("10.0.1.1:8080");
    }

    @Test
    void usesExactlyThePermissionsTheRbacManifestGrants() {
        api.apply(slice("shop", "orders", "orders-a", port("http", 8080), ready("10.0.0.1")));
        api.takeRequests();

        EndpointSet orders = discovery.endpoints(ref("shop", "orders", "http"));
        await().atMost(Duration.ofSeconds(5))
                .until(() -> discovery.status().get(0).healthy());
        assertThat(orders.endpoints()).hasSize(1);

        Set<String> used = new HashSet<>();
        for (RecordedRequest request : api.takeRequests()) {
            used.add(permission(request));
        }
        Set<String> granted = new HashSet<>();
        for (KubernetesPermissions.Rule rule : KubernetesPermissions.REQUIRED) {
            rule.verbs().forEach(verb -> granted.add(verb + " " + rule.qualifiedResource()));
        }
        assertThat(used).isEqualTo(granted);
    }

    /** {@code "list endpointslices.discovery.k8s.io"} for a recorded API request. */
    static String permission(RecordedRequest request) {
        String path = request.getPath();
        String resourcePath = path.contains("?") ? path.substring(0, path.indexOf('?')) : path;
        String[] segments = resourcePath.split("/");
        // /api/v1/namespaces/ns/resource[/name] or /apis/group/v1/namespaces/ns/resource[/name]
        boolean core = segments[1].equals("api");
        int resourceIndex = core ? 5 : 6;
        String resource = segments[resourceIndex] + (core ? "" : "." + segments[2]);
        boolean named = segments.length > resourceIndex + 1;
        String verb = path.contains("watch=true") ? "watch" : named ? "get" : "list";
        assertThat(request.getMethod()).isEqualTo("GET");
        return verb + " " + resource;
    }

    @Test
    void forbiddenIsLoggedOnceNamingTheMissingPermissionAndRecoversWhenGranted() {
        ListAppender<ILoggingEvent> log = capture();
        api.apply(slice("shop", "orders", "orders-a", port("http", 8080), ready("10.0.0.1")));
        api.forbid("discovery.k8s.io", "endpointslices", "shop");

        EndpointSet orders = discovery.endpoints(ref("shop", "orders", "http"));

        assertThat(orders.endpoints()).isEmpty();
        ServiceWatch watch = discovery.watches().get(0);
        // The informer retries with backoff (1 s, 2 s, ...): wait for a second refusal.
        await().atMost(Duration.ofSeconds(10)).until(() -> watch.errorCount(ErrorReason.FORBIDDEN) >= 2);
        WatchStatus status = watch.status();
        assertThat(status.healthy()).isFalse();
        assertThat(status.lastError())
                .contains("may not list endpointslices.discovery.k8s.io in namespace 'shop'")
                .contains("Grant it list, watch on endpointslices.discovery.k8s.io and list, watch on services")
                .contains("system:serviceaccount:meshgate:meshgate");
        List<String> warnings = log.list.stream()
                .filter(event -> event.getLevel() == Level.WARN)
                .map(ILoggingEvent::getFormattedMessage)
                .toList();
        assertThat(warnings).hasSize(1);
        assertThat(warnings.get(0)).startsWith("Cannot watch Service shop/orders: meshgate's service account may not");

        api.clearIntercepts();

        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(addresses(orders)).containsExactly("10.0.0.1:8080"));
        await().atMost(Duration.ofSeconds(5)).until(() -> watch.status().healthy());
    }

    @Test
    void anApiServerOutageKeepsTheLastEndpointsAndShowsTheirStaleness() {
        api.apply(slice("shop", "orders", "orders-a", port("http", 8080), ready("10.0.0.1"), ready("10.0.0.2")));
        EndpointSet orders = discovery.endpoints(ref("shop", "orders", "http"));
        ServiceWatch watch = discovery.watches().get(0);
        await().atMost(Duration.ofSeconds(5)).until(watch::healthy);
        await().atMost(Duration.ofSeconds(5)).until(() -> watch.status().lastHealthyAt() != null);

        api.stop();

        await().atMost(Duration.ofSeconds(10)).until(() -> watch.errorCount(ErrorReason.DISCONNECTED) == 1);
        WatchStatus down = watch.status();
        assertThat(down.healthy()).isFalse();
        assertThat(down.stalenessSeconds()).isGreaterThanOrEqualTo(ServiceWatch.OUTAGE_LOG_DELAY.toSeconds());
        assertThat(down.lastError()).startsWith("Lost the watch of Service shop/orders");
        assertThat(addresses(orders)).containsExactly("10.0.0.1:8080", "10.0.0.2:8080");

        api.start();
        await().atMost(Duration.ofSeconds(40)).until(watch::healthy);
        api.apply(slice("shop", "orders", "orders-a", port("http", 8080), ready("10.0.0.2")));

        await().atMost(Duration.ofSeconds(5))
                .untilAsserted(() -> assertThat(addresses(orders)).containsExactly("10.0.0.2:8080"));
        assertThat(watch.stalenessSeconds()).isZero();
        assertThat(watch.errorCount(ErrorReason.DISCONNECTED)).isEqualTo(1);
    }

    private static ListAppender<ILoggingEvent> capture() {
        Logger logger = (Logger) LoggerFactory.getLogger(ServiceWatch.class);
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        logger.addAppender(appender);
        return appender;
    }
}
