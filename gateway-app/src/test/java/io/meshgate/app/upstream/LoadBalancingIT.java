package io.meshgate.app.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.meshgate.app.ControlledUpstream;
import io.meshgate.app.GatewayExtension;
import io.meshgate.app.Traffic;
import io.meshgate.app.Traffic.Outcomes;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;

/**
 * Balancers, outlier ejection, panic mode and failover through a running gateway, with real upstream
 * servers that are told to slow down, fail or stop. Each test owns its upstreams and route.
 */
class LoadBalancingIT {

    private static final ControlledUpstream W5 = ControlledUpstream.start("w5");
    private static final ControlledUpstream W3 = ControlledUpstream.start("w3");
    private static final ControlledUpstream W1 = ControlledUpstream.start("w1");
    private static final ControlledUpstream E1 = ControlledUpstream.start("e1");
    private static final ControlledUpstream E2 = ControlledUpstream.start("e2");
    private static final ControlledUpstream E3 = ControlledUpstream.start("e3");
    private static final ControlledUpstream X1 = ControlledUpstream.start("x1");
    private static final ControlledUpstream X2 = ControlledUpstream.start("x2");
    private static final ControlledUpstream X3 = ControlledUpstream.start("x3");
    private static final ControlledUpstream Y1 = ControlledUpstream.start("y1");
    private static final ControlledUpstream Y2 = ControlledUpstream.start("y2");
    private static final ControlledUpstream Y3 = ControlledUpstream.start("y3");
    private static final ControlledUpstream Z1 = ControlledUpstream.start("z1");
    private static final ControlledUpstream Z2 = ControlledUpstream.start("z2");
    private static final ControlledUpstream Z3 = ControlledUpstream.start("z3");
    private static final ControlledUpstream P1 = ControlledUpstream.start("p1");
    private static final ControlledUpstream P2 = ControlledUpstream.start("p2");
    private static final ControlledUpstream B1 = ControlledUpstream.start("b1");

    private static final String EJECTION = "{ consecutiveFailures: 3, baseEjectionTime: 5s }";

    @RegisterExtension
    static final GatewayExtension gateway = GatewayExtension.withUpstreams()
            .routes("upstreams:\n"
                    + "  weighted:\n"
                    + "    balancer: weighted\n"
                    + "    endpoints:\n"
                    + endpoint(W5, 5) + endpoint(W3, 3) + endpoint(W1, 1)
                    + "  ewma:\n"
                    + "    outlierDetection: false\n"
                    + "    endpoints:\n"
                    + endpoint(E1, 1) + endpoint(E2, 1) + endpoint(E3, 1)
                    + "  eject:\n"
                    + "    balancer: round-robin\n"
                    + "    outlierDetection: " + EJECTION + "\n"
                    + "    endpoints:\n"
                    + endpoint(X1, 1) + endpoint(X2, 1) + endpoint(X3, 1)
                    + "  eject-filtered:\n"
                    + "    balancer: round-robin\n"
                    + "    outlierDetection: " + EJECTION + "\n"
                    + "    endpoints:\n"
                    + endpoint(Y1, 1) + endpoint(Y2, 1) + endpoint(Y3, 1)
                    + "  panic:\n"
                    + "    balancer: round-robin\n"
                    + "    outlierDetection: { consecutiveFailures: 2, maxEjectedPercent: 100 }\n"
                    + "    panicThreshold: 50\n"
                    + "    endpoints:\n"
                    + endpoint(Z1, 1) + endpoint(Z2, 1) + endpoint(Z3, 1)
                    + "  primary:\n"
                    + "    outlierDetection: false\n"
                    + "    healthCheck: { path: /healthz, interval: 100ms, timeout: 500ms,"
                    + " unhealthyThreshold: 2, healthyThreshold: 1 }\n"
                    + "    failover: backup\n"
                    + "    endpoints:\n"
                    + endpoint(P1, 1) + endpoint(P2, 1)
                    + "  backup:\n"
                    + "    endpoints:\n"
                    + endpoint(B1, 1)
                    + "routes:\n"
                    + "  - { id: weighted, match: { path: /weighted/** }, upstream: weighted }\n"
                    + "  - { id: ewma, match: { path: /ewma/** }, upstream: ewma }\n"
                    + "  - { id: eject, match: { path: /eject/** }, upstream: eject }\n"
                    + "  - { id: eject-filtered, match: { path: /eject-filtered/** }, upstream: eject-filtered,"
                    + " filters: [\"AddRequestHeader=x-via,scg\"] }\n"
                    + "  - { id: panic, match: { path: /panic/** }, upstream: panic }\n"
                    + "  - { id: failover, match: { path: /failover/** }, upstream: primary }\n");

    private static String endpoint(ControlledUpstream upstream, int weight) {
        return "      - { address: \"" + upstream.address() + "\", weight: " + weight + " }\n";
    }

    @AfterAll
    static void stopUpstreams() {
        Stream.of(W5, W3, W1, E1, E2, E3, X1, X2, X3, Y1, Y2, Y3, Z1, Z2, Z3, P1, P2, B1)
                .forEach(ControlledUpstream::close);
    }

    @Test
    void weightedBalancerSplitsTenThousandRequestsFiveThreeOne() {
        Outcomes outcomes = Traffic.to(gateway).get("/weighted/a", 10_000, 16);

        assertThat(outcomes.count("200 w5") + outcomes.count("200 w3") + outcomes.count("200 w1"))
                .as("%s", outcomes)
                .isEqualTo(10_000);
        assertThat(outcomes.share("200 w5")).isCloseTo(5 / 9.0, Offset.offset(0.02));
        assertThat(outcomes.share("200 w3")).isCloseTo(3 / 9.0, Offset.offset(0.02));
        assertThat(outcomes.share("200 w1")).isCloseTo(1 / 9.0, Offset.offset(0.02));
    }

    @Test
    void peakEwmaAvoidsASlowEndpointAndGivesItsShareBackWhenItRecovers() {
        Traffic traffic = Traffic.to(gateway);
        E3.delay(Duration.ofMillis(50));
        try {
            Outcomes slow = traffic.get("/ewma/a", 3_000, 8);
            assertThat(slow.total() - slow.count("200 e1") - slow.count("200 e2") - slow.count("200 e3"))
                    .isZero();
            assertThat(slow.share("200 e3"))
                    .as("slow endpoint's share of %s", slow)
                    .isLessThan(0.10);
        } finally {
            E3.healthy();
        }
        // The slow estimate decays (time constant 10 s) until e3 is worth trying again; its fast answers
        // then keep it in rotation. A third of the traffic is its fair share; a quarter is "back".
        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(500))
                .untilAsserted(() -> assertThat(traffic.get("/ewma/a", 300, 8).share("200 e3"))
                        .isGreaterThan(0.25));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"eject", "eject-filtered"})
    void failingEndpointIsEjectedAfterConsecutiveFailuresAndReturnsAfterTheEjectionTime(String route) {
        List<ControlledUpstream> endpoints = route.equals("eject") ? List.of(X1, X2, X3) : List.of(Y1, Y2, Y3);
        ControlledUpstream failing = endpoints.get(2);
        Traffic traffic = Traffic.to(gateway);
        failing.status(500);
        try {
            Outcomes outcomes = traffic.get("/" + route + "/a", 60, 1);

            assertThat(failing.requests())
                    .as("requests reaching %s", failing.name())
                    .isEqualTo(3);
            assertThat(outcomes.count("500 " + failing.name())).isEqualTo(3);
            assertThat(outcomes.count("200 " + endpoints.get(0).name())
                            + outcomes.count("200 " + endpoints.get(1).name()))
                    .isEqualTo(57);
            String metrics = gateway.prometheus();
            assertThat(metrics)
                    .contains("meshgate_outlier_ejections_total{upstream=\"" + route + "\"} 1.0")
                    .contains("meshgate_endpoint_ejected{endpoint=\"" + failing.address() + "\",upstream=\"" + route
                            + "\"} 1.0");
            JsonNode states = gateway.status()
                    .path("active")
                    .path("upstreams")
                    .path(route)
                    .path("endpointStates");
            assertThat(states.findValuesAsString("address")).hasSize(3);
            for (JsonNode state : states) {
                boolean isFailing = state.path("address").asString().equals(failing.address());
                assertThat(state.path("ejected").asBoolean()).as("%s", state).isEqualTo(isFailing);
            }
        } finally {
            failing.healthy();
        }
        // baseEjectionTime 5s: then it takes its turn again.
        await().atMost(Duration.ofSeconds(15))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> traffic.getOne("/" + route + "/a").equals("200 " + failing.name()));
    }

    @Test
    void panicModeKeepsSendingToEveryEndpointWhenAllFail() {
        List<ControlledUpstream> all = List.of(Z1, Z2, Z3);
        all.forEach(z -> z.status(500));
        try {
            Outcomes outcomes = Traffic.to(gateway).get("/panic/a", 60, 1);

            // Never meshgate's own 503 "no ready endpoints": the upstreams' answers reach the client.
            for (ControlledUpstream z : all) {
                assertThat(outcomes.count("500 " + z.name())).as("%s", outcomes).isGreaterThanOrEqualTo(10);
            }
            assertThat(outcomes.count("500 z1") + outcomes.count("500 z2") + outcomes.count("500 z3"))
                    .isEqualTo(60);
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(gateway.prometheus())
                    .contains("meshgate_upstream_panic{upstream=\"panic\"} 1.0"));
        } finally {
            all.forEach(ControlledUpstream::healthy);
        }
    }

    @Test
    void failoverTakesAllTrafficWhileThePrimaryIsDownAndGivesItBack() {
        Traffic traffic = Traffic.to(gateway);
        assertThat(traffic.get("/failover/a", 100, 4).servedBy("b1")).isZero();

        P1.stop();
        P2.stop();
        try {
            await().atMost(Duration.ofSeconds(10))
                    .pollInterval(Duration.ofMillis(50))
                    // Both primaries fail their health checks (2 in a row, every 100 ms): none is healthy.
                    .untilAsserted(() -> assertThat(gateway.status()
                                    .path("active")
                                    .path("upstreams")
                                    .path("primary")
                                    .path("healthy")
                                    .asInt())
                            .isZero());
            Outcomes down = traffic.get("/failover/a", 200, 4);
            assertThat(down.count("200 b1")).as("%s", down).isEqualTo(200);
        } finally {
            P1.restart();
            P2.restart();
        }
        await().atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(100))
                .untilAsserted(() -> {
                    Outcomes back = traffic.get("/failover/a", 100, 4);
                    assertThat(back.count("200 p1") + back.count("200 p2"))
                            .as("%s", back)
                            .isEqualTo(100);
                });
    }
}
