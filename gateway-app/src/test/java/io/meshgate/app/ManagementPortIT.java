package io.meshgate.app;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Admin and actuator endpoints are on the management port only. */
class ManagementPortIT {

    @RegisterExtension
    static final GatewayExtension gateway = GatewayExtension.withUpstreams("a")
            .routes(
                    """
                    upstreams:
                      a: { endpoints: [ { address: "{{a}}" } ] }
                    routes:
                      - id: all
                        match: { path: /api/** }
                        upstream: a
                    """);

    @Test
    void actuatorIsNotOnTheTrafficPort() {
        gateway.client().get().uri("/actuator/health").exchange().expectStatus().isNotFound();
        gateway.client()
                .get()
                .uri("/actuator/meshgate")
                .exchange()
                .expectStatus()
                .isNotFound();
    }

    @Test
    void managementPortServesHealthMetricsAndTheConfigView() {
        gateway.admin()
                .get()
                .uri("/actuator/health/readiness")
                .exchange()
                .expectStatus()
                .isOk();
        org.assertj.core.api.Assertions.assertThat(gateway.prometheus())
                .contains("meshgate_config_reloads_total{result=\"rejected\"}");
        gateway.admin()
                .get()
                .uri("/actuator/meshgate")
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.active.routes[0].id")
                .isEqualTo("all")
                .jsonPath("$.active.upstreams.a.endpoints[0]")
                .isEqualTo(gateway.upstream("a").address())
                .jsonPath("$.active.version")
                .isNotEmpty();
    }

    @Test
    void unmatchedRequestGets404() {
        gateway.client().get().uri("/nothing-here").exchange().expectStatus().isNotFound();
    }
}
