package io.meshgate.balance;

import java.util.concurrent.ThreadLocalRandom;
import java.util.random.RandomGenerator;

/** Picks an endpoint uniformly at random, blind to weight, load and latency: the stock gateway's other policy. */
public final class RandomBalancer implements Balancer {

    private final RandomGenerator random;

    /** Uses each calling thread's {@link ThreadLocalRandom}: no shared state at all. */
    public RandomBalancer() {
        this(null);
    }

    /** Uses the given generator (tests pass a seeded one; it must be thread-safe if shared). */
    public RandomBalancer(RandomGenerator random) {
        this.random = random;
    }

    @Override
    public EndpointStats pick(EndpointStats[] endpoints, long nowNanos) {
        int size = endpoints.length;
        if (size == 1) {
            return endpoints[0];
        }
        RandomGenerator r = TwoRandomChoices.orThreadLocal(random);
        return endpoints[r.nextInt(size)];
    }
}
