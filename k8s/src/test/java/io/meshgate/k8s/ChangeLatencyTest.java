package io.meshgate.k8s;

import static io.meshgate.k8s.Slices.port;
import static io.meshgate.k8s.Slices.ready;
import static io.meshgate.k8s.Slices.terminating;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.meshgate.balance.EndpointSet;
import io.meshgate.config.KubernetesService;
import io.meshgate.config.SourceLocation;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * How long an endpoint change takes from the API server to the set the balancer reads: scale steps and
 * rollouts applied through the mock API server's CRUD API, each timed from the write until {@link
 * EndpointSet#endpoints()} shows it. The result is printed and written to {@code
 * target/change-latency.txt}.
 */
class ChangeLatencyTest {

    private static final int WARM_UP = 10;
    private static final int CHANGES = 60;
    private static final int[] SCALE = {3, 1, 3, 0, 2, 4, 2, 1};

    @Test
    void aChangeReachesTheBalancerWellUnderOneSecondAtP99() throws IOException {
        try (MockApiServer api = new MockApiServer().start();
                KubernetesClient client = new KubernetesClientBuilder()
                        .withConfig(api.config("default"))
                        .build();
                KubernetesServiceDiscovery discovery = new KubernetesServiceDiscovery(
                        client,
                        KubernetesServiceDiscovery.Settings.DEFAULT,
                        Clock.systemUTC(),
                        DiscoveryListener.NONE)) {
            EndpointSet orders = discovery.endpoints(
                    new KubernetesService("orders", "shop", "http", SourceLocation.unknown("routes.yaml")));
            long[] nanos = new long[CHANGES];
            // The first changes run the code cold (class loading, JIT): measured, but not counted.
            for (int change = 0; change < WARM_UP + CHANGES; change++) {
                int size = SCALE[change % SCALE.length];
                List<Endpoint> endpoints = new ArrayList<>();
                List<String> expected = new ArrayList<>();
                for (int pod = 0; pod < size; pod++) {
                    // New addresses on every change, as a rollout gives; the previous pods terminate.
                    String address = "10.1." + change + "." + (pod + 1);
                    endpoints.add(ready(address));
                    expected.add(address + ":8080");
                }
                if (change > 0) {
                    endpoints.add(terminating("10.1." + (change - 1) + ".1"));
                }
                EndpointSlice slice = Slices.slice(
                        "shop", "orders", "orders-a", port("http", 8080), endpoints.toArray(Endpoint[]::new));
                boolean exists = client.resource(slice).get() != null;
                long start = System.nanoTime();
                // One write, as the EndpointSlice controller does it.
                if (exists) {
                    api.client().resource(slice).update();
                } else {
                    api.client().resource(slice).create();
                }
                await().pollDelay(Duration.ZERO)
                        .pollInterval(Duration.ofMillis(1))
                        .atMost(Duration.ofSeconds(5))
                        .until(() ->
                                KubernetesServiceDiscoveryTest.addresses(orders).equals(expected));
                if (change >= WARM_UP) {
                    nanos[change - WARM_UP] = System.nanoTime() - start;
                }
            }
            Arrays.sort(nanos);
            double p50 = percentile(nanos, 50);
            double p99 = percentile(nanos, 99);
            double max = nanos[nanos.length - 1] / 1e6;
            String result = String.format(
                    Locale.ROOT,
                    "change-to-balancer latency over %d changes: p50 %.1f ms, p99 %.1f ms, max %.1f ms%n",
                    CHANGES,
                    p50,
                    p99,
                    max);
            System.out.print(result);
            Files.writeString(Path.of("target", "change-latency.txt"), result);
            assertThat(p99).isLessThan(1000);
        }
    }

    /** Nearest-rank percentile of sorted nanoseconds, in milliseconds. */
    private static double percentile(long[] sorted, int percent) {
        int rank = (int) Math.ceil(percent / 100.0 * sorted.length);
        return sorted[Math.max(0, rank - 1)] / 1e6;
    }
}
