package io.meshgate.balance;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class WeightedRoundRobinBalancerTest {

    private static final Endpoint A = Endpoint.of("10.0.0.1", 80, 5);
    private static final Endpoint B = Endpoint.of("10.0.0.2", 80, 3);
    private static final Endpoint C = Endpoint.of("10.0.0.3", 80, 1);

    @Test
    void weights531GiveExactly5000And3000And1000Of9000Picks() {
        for (Balancer balancer : List.of(new WeightedRoundRobinBalancer(), new WeightedRoundRobinBalancer(0))) {
            EndpointStats[] endpoints = stats(A, B, C);
            int[] counts = new int[3];
            for (int i = 0; i < 9_000; i++) {
                counts[RandomBalancerTest.indexOf(endpoints, balancer.pick(endpoints, 0))]++;
            }
            assertThat(counts).containsExactly(5_000, 3_000, 1_000);
        }
    }

    @Test
    void followsNginxSmoothOrder() {
        // nginx's own example (ngx_http_upstream_round_robin.c): weights 5, 1, 1 give a a b a c a a.
        EndpointStats[] endpoints = stats(Endpoint.of("a", 80, 5), Endpoint.of("b", 80, 1), Endpoint.of("c", 80, 1));
        for (Balancer balancer : List.of(new WeightedRoundRobinBalancer(), new WeightedRoundRobinBalancer(0))) {
            assertThat(hosts(balancer, endpoints, 14)).isEqualTo("aabacaaaabacaa");
        }
    }

    @Test
    void tableAndLockedVariantAgreeAndCommonFactorsDoNotMatter() {
        EndpointStats[] endpoints = stats(Endpoint.of("a", 80, 50), Endpoint.of("b", 80, 30), Endpoint.of("c", 80, 10));
        EndpointStats[] reduced = stats(Endpoint.of("a", 80, 5), Endpoint.of("b", 80, 3), Endpoint.of("c", 80, 1));
        String table = hosts(new WeightedRoundRobinBalancer(), endpoints, 27);
        assertThat(hosts(new WeightedRoundRobinBalancer(0), endpoints, 27)).isEqualTo(table);
        assertThat(hosts(new WeightedRoundRobinBalancer(), reduced, 27)).isEqualTo(table);
        // Smooth: a never runs more than twice in a row with 5/3/1.
        assertThat(table).doesNotContain("aaa").startsWith("abaca").hasSize(27);
    }

    @Test
    void weightZeroTakesNoTrafficUnlessAllAreZero() {
        EndpointStats[] endpoints = stats(Endpoint.of("a", 80, 0), Endpoint.of("b", 80, 2));
        assertThat(hosts(new WeightedRoundRobinBalancer(), endpoints, 4)).isEqualTo("bbbb");
        EndpointStats[] zeros = stats(Endpoint.of("a", 80, 0), Endpoint.of("b", 80, 0));
        assertThat(hosts(new WeightedRoundRobinBalancer(), zeros, 4)).isEqualTo("abab");
    }

    @Test
    void newWeightsFromTheEndpointSetApplyOnTheNextChange() {
        MutableEndpointSet set = new MutableEndpointSet(Endpoint.of("a", 80, 1), Endpoint.of("b", 80, 1));
        UpstreamPool pool = UpstreamPool.builder("legacy", set)
                .balancer(new WeightedRoundRobinBalancer())
                .clock(new VirtualClock())
                .build();
        assertThat(picks(pool, 4)).isEqualTo("abab");
        set.replace(Endpoint.of("a", 80, 3), Endpoint.of("b", 80, 1));
        String next = picks(pool, 8);
        assertThat(next.chars().filter(c -> c == 'a').count()).isEqualTo(6);
    }

    private static String picks(UpstreamPool pool, int n) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < n; i++) {
            s.append(pool.pick().host());
        }
        return s.toString();
    }

    private static String hosts(Balancer balancer, EndpointStats[] endpoints, int n) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < n; i++) {
            s.append(balancer.pick(endpoints, 0).endpoint().host());
        }
        return s.toString();
    }

    static EndpointStats[] stats(Endpoint... endpoints) {
        List<EndpointStats> stats = new ArrayList<>();
        for (Endpoint e : endpoints) {
            stats.add(EndpointStats.of(e, 0));
        }
        return stats.toArray(new EndpointStats[0]);
    }
}
