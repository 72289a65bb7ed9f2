package io.meshgate.balance;

import java.util.concurrent.ThreadLocalRandom;
import java.util.random.RandomGenerator;

/**
 * The power of two choices shared by the least-request and peak-EWMA balancers: take two distinct
 * endpoints at random and keep the one the balancer prefers. Near-best choices at the cost of two
 * random numbers, with no shared state to contend on.
 */
final class TwoRandomChoices {

    /** Whether {@code candidate} is preferred over {@code other}. */
    @FunctionalInterface
    interface Preference {
        boolean prefers(EndpointStats candidate, EndpointStats other);
    }

    private TwoRandomChoices() {}

    /** The given generator, or the calling thread's when none was given. */
    static RandomGenerator orThreadLocal(RandomGenerator random) {
        return random != null ? random : ThreadLocalRandom.current();
    }

    static EndpointStats pick(EndpointStats[] endpoints, RandomGenerator random, Preference preference) {
        int size = endpoints.length;
        if (size == 1) {
            return endpoints[0];
        }
        RandomGenerator r = orThreadLocal(random);
        int i = r.nextInt(size);
        int j = r.nextInt(size - 1);
        if (j >= i) {
            j++;
        }
        EndpointStats a = endpoints[i];
        EndpointStats b = endpoints[j];
        return preference.prefers(b, a) ? b : a;
    }
}
