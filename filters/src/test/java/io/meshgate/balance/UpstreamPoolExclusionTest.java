package io.meshgate.balance;

import static org.assertj.core.api.Assertions.assertThat;

import io.meshgate.retry.TriedEndpoints;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** {@link UpstreamPool#acquire(java.util.function.Predicate)}: each retry to an endpoint not yet tried. */
class UpstreamPoolExclusionTest {

    private final VirtualClock clock = new VirtualClock();

    private UpstreamPool pool(int endpoints, Balancer balancer) {
        return UpstreamPool.builder("orders", new MutableEndpointSet(MutableEndpointSet.endpoints(endpoints)))
                .balancer(balancer)
                .clock(clock)
                .build();
    }

    /** The endpoints of one request's attempts, each acquired excluding those before it. */
    private static List<String> attempts(UpstreamPool pool, int attempts) {
        TriedEndpoints tried = new TriedEndpoints(attempts);
        List<String> addresses = new java.util.ArrayList<>();
        for (int i = 0; i < attempts; i++) {
            Lease lease = i == 0 ? pool.acquire() : pool.acquire(tried);
            tried.add(lease.endpoint());
            addresses.add(lease.endpoint().address());
            lease.fail(FailureKind.RESET);
        }
        return addresses;
    }

    @Test
    void everyAttemptOfARequestGoesToAnotherEndpointWhileOneIsLeft() {
        for (Balancer balancer : List.of(
                new RoundRobinBalancer(),
                new RandomBalancer(),
                new PeakEwmaBalancer(),
                new LeastRequestBalancer(),
                new WeightedRoundRobinBalancer())) {
            UpstreamPool pool = pool(3, balancer);
            for (int request = 0; request < 200; request++) {
                List<String> addresses = attempts(pool, 3);
                assertThat(new HashSet<>(addresses))
                        .as("%s, request %d", balancer, request)
                        .hasSize(3);
            }
        }
    }

    @Test
    void whenEveryEndpointWasTriedTheRetryGoesToOneOfThemRatherThanNowhere() {
        UpstreamPool pool = pool(2, new RoundRobinBalancer());
        List<String> addresses = attempts(pool, 3);
        assertThat(addresses.subList(0, 2)).containsExactlyInAnyOrder("10.0.0.1:80", "10.0.0.2:80");
        assertThat(addresses.get(2)).isIn("10.0.0.1:80", "10.0.0.2:80");

        UpstreamPool single = pool(1, new RoundRobinBalancer());
        assertThat(attempts(single, 3)).containsOnly("10.0.0.1:80");
    }

    @Test
    void excludingCountsInFlightAndReleasesLikeAcquire() {
        UpstreamPool pool = pool(3, new RoundRobinBalancer());
        TriedEndpoints tried = new TriedEndpoints(2);
        Lease first = pool.acquire();
        tried.add(first.endpoint());
        Lease retry = pool.acquire(tried);
        assertThat(retry.endpoint()).isNotEqualTo(first.endpoint());
        assertThat(retry.stats().inFlight()).isEqualTo(1);
        retry.complete(200);
        first.cancel();
        assertThat(pool.endpointStats())
                .allSatisfy(s -> assertThat(s.inFlight()).isZero());
    }

    @Test
    void aRetryFailsOverToAnUntriedEndpointOfTheFailoverUpstream() {
        UpstreamPool primary = UpstreamPool.builder("orders", new MutableEndpointSet(MutableEndpointSet.endpoints(1)))
                .balancer(new RoundRobinBalancer())
                .clock(clock)
                .random(new SplittableRandom(3))
                .build();
        UpstreamPool standby = UpstreamPool.builder(
                        "orders-dr",
                        new StaticEndpointSet(List.of(Endpoint.of("10.9.0.1", 80, 1), Endpoint.of("10.9.0.2", 80, 1))))
                .balancer(new RoundRobinBalancer())
                .clock(clock)
                .build();
        primary.failoverTo(standby);
        primary.markHealthy(primary.endpointStats().get(0), false);

        Set<String> seen = new HashSet<>();
        TriedEndpoints tried = new TriedEndpoints(2);
        for (int i = 0; i < 2; i++) {
            Lease lease = i == 0 ? primary.acquire() : primary.acquire(tried);
            assertThat(lease.upstream()).isEqualTo("orders-dr");
            tried.add(lease.endpoint());
            seen.add(lease.endpoint().address());
            lease.cancel();
        }
        assertThat(seen).containsExactlyInAnyOrder("10.9.0.1:80", "10.9.0.2:80");
    }

    @Test
    void triedEndpointsMatchByAddressAndGrow() {
        TriedEndpoints tried = new TriedEndpoints(1);
        Endpoint a = Endpoint.of("10.0.0.1", 80, 1);
        tried.add(a);
        tried.add(Endpoint.of("10.0.0.1", 80, 5));
        tried.add(Endpoint.of("::1", 80, 1));
        assertThat(tried.size()).isEqualTo(2);
        assertThat(tried.test(Endpoint.of("10.0.0.1", 80, 3))).isTrue();
        assertThat(tried.test(Endpoint.of("::1", 80, 1))).isTrue();
        assertThat(tried.test(Endpoint.of("10.0.0.2", 80, 1))).isFalse();
    }
}
