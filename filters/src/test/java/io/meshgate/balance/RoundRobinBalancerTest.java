package io.meshgate.balance;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RoundRobinBalancerTest {

    @Test
    void takesEndpointsInTurn() {
        EndpointStats[] endpoints = {
            EndpointStats.of(Endpoint.of("10.0.0.1", 80, 1), 0),
            EndpointStats.of(Endpoint.of("10.0.0.2", 80, 1), 0),
            EndpointStats.of(Endpoint.of("::1", 80, 1), 0)
        };
        RoundRobinBalancer balancer = new RoundRobinBalancer();
        List<String> picked = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            picked.add(balancer.pick(endpoints, 0).address());
        }
        assertThat(picked)
                .containsExactly("10.0.0.1:80", "10.0.0.2:80", "[::1]:80", "10.0.0.1:80", "10.0.0.2:80", "[::1]:80");
    }

    @Test
    void poolWithoutEndpointsPicksNothingAndDrainedEndpointsAreSkipped() {
        UpstreamPool empty = new UpstreamPool("orders", List::of, new RoundRobinBalancer());
        assertThat(empty.pick()).isNull();
        assertThat(empty.acquire()).isNull();
        UpstreamPool drained = new UpstreamPool(
                "orders",
                new StaticEndpointSet(List.of(Endpoint.of("10.0.0.1", 80, 0), Endpoint.of("10.0.0.2", 80, 1))),
                new RoundRobinBalancer());
        for (int i = 0; i < 4; i++) {
            assertThat(drained.pick().address()).isEqualTo("10.0.0.2:80");
        }
    }
}
