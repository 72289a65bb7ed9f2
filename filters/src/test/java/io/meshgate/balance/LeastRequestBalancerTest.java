package io.meshgate.balance;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class LeastRequestBalancerTest {

    @Test
    void ofTwoPicksTheOneWithFewerInFlight() {
        EndpointStats[] endpoints = RandomBalancerTest.stats(2);
        endpoints[0].acquired();
        endpoints[0].acquired();
        endpoints[1].acquired();
        LeastRequestBalancer balancer = new LeastRequestBalancer(new SplittableRandom(1));
        for (int i = 0; i < 50; i++) {
            assertThat(balancer.pick(endpoints, 0)).isSameAs(endpoints[1]);
        }
    }

    @Test
    void neverPicksTheBusiestOfManyAndFavoursTheIdle() {
        EndpointStats[] endpoints = RandomBalancerTest.stats(4);
        // in flight: 0, 1, 2, 3
        for (int i = 0; i < 4; i++) {
            for (int k = 0; k < i; k++) {
                endpoints[i].acquired();
            }
        }
        LeastRequestBalancer balancer = new LeastRequestBalancer(new SplittableRandom(2));
        int[] counts = new int[4];
        for (int i = 0; i < 12_000; i++) {
            counts[RandomBalancerTest.indexOf(endpoints, balancer.pick(endpoints, 0))]++;
        }
        // P2C over 4: the k-th least loaded wins the pairs with the ones above it: 3/6, 2/6, 1/6, 0.
        assertThat(counts[3]).isZero();
        assertThat(counts[0]).isBetween(5_700, 6_300);
        assertThat(counts[1]).isBetween(3_700, 4_300);
        assertThat(counts[2]).isBetween(1_700, 2_300);
    }

    @Test
    void spreadsLoadThroughThePool() {
        VirtualClock clock = new VirtualClock();
        UpstreamPool pool = UpstreamPool.builder("orders", new MutableEndpointSet(MutableEndpointSet.endpoints(3)))
                .balancer(new LeastRequestBalancer(new SplittableRandom(3)))
                .clock(clock)
                .build();
        Lease[] held = new Lease[30];
        for (int i = 0; i < held.length; i++) {
            held[i] = pool.acquire();
        }
        // Holding every lease, in-flight counts stay within one of each other... roughly: P2C keeps them close.
        for (EndpointStats stats : pool.endpointStats()) {
            assertThat(stats.inFlight()).isBetween(8, 12);
        }
        for (Lease lease : held) {
            lease.complete(200);
        }
        assertThat(pool.endpointStats())
                .allSatisfy(s -> assertThat(s.inFlight()).isZero());
    }
}
