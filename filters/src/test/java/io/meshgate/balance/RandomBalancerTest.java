package io.meshgate.balance;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class RandomBalancerTest {

    @Test
    void spreadsPicksEvenlyWithASeededGenerator() {
        EndpointStats[] endpoints = stats(4);
        RandomBalancer balancer = new RandomBalancer(new SplittableRandom(7));
        int[] counts = new int[4];
        for (int i = 0; i < 40_000; i++) {
            counts[indexOf(endpoints, balancer.pick(endpoints, 0))]++;
        }
        for (int count : counts) {
            assertThat(count).isBetween(9_500, 10_500);
        }
    }

    @Test
    void sameSeedSamePicks() {
        EndpointStats[] endpoints = stats(5);
        RandomBalancer one = new RandomBalancer(new SplittableRandom(3));
        RandomBalancer two = new RandomBalancer(new SplittableRandom(3));
        for (int i = 0; i < 100; i++) {
            assertThat(one.pick(endpoints, 0)).isSameAs(two.pick(endpoints, 0));
        }
    }

    static EndpointStats[] stats(int n) {
        Endpoint[] endpoints = MutableEndpointSet.endpoints(n);
        EndpointStats[] stats = new EndpointStats[n];
        for (int i = 0; i < n; i++) {
            stats[i] = EndpointStats.of(endpoints[i], 0);
        }
        return stats;
    }

    static int indexOf(EndpointStats[] endpoints, EndpointStats picked) {
        for (int i = 0; i < endpoints.length; i++) {
            if (endpoints[i] == picked) {
                return i;
            }
        }
        throw new AssertionError("picked an endpoint not offered: " + picked);
    }
}
