package io.meshgate.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.meshgate.config.ConfigMapVolume;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The route directory is a Kubernetes ConfigMap volume: files behind a {@code ..data} link that the
 * kubelet swaps atomically. The running gateway follows each swap within 2 s.
 */
class ConfigMapReloadIT {

    private static final String ROUTES =
            """
            upstreams:
              v1: { endpoints: [ { address: "{{v1}}" } ] }
              v2: { endpoints: [ { address: "{{v2}}" } ] }
            routes:
              - { id: main, match: { path: /cm/** }, upstream: %s }
            """;

    @RegisterExtension
    static final GatewayExtension gateway =
            GatewayExtension.withUpstreams("v1", "v2").routes("");

    @Test
    void followsTheKubeletsDataLinkSwap() throws Exception {
        Files.delete(gateway.routesDir().resolve("routes.yaml"));
        ConfigMapVolume volume = ConfigMapVolume.create(
                gateway.routesDir(), Map.of("routes.yaml", gateway.render(ROUTES.formatted("v1"))));
        awaitServedBy("v1");

        long start = System.nanoTime();
        volume.update(Map.of("routes.yaml", gateway.render(ROUTES.formatted("v2"))));
        awaitServedBy("v2");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
        assertThat(gateway.status().path("active").path("files").get(0).asString())
                .isEqualTo(gateway.routesDir().resolve("routes.yaml").toString());
    }

    private static void awaitServedBy(String upstream) {
        await().atMost(Duration.ofSeconds(2))
                .pollInterval(Duration.ofMillis(20))
                .untilAsserted(() -> gateway.client()
                        .get()
                        .uri("/cm/x")
                        .exchange()
                        .expectStatus()
                        .isOk()
                        .expectHeader()
                        .valueEquals("x-upstream", upstream));
    }
}
