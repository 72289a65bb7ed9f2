package io.meshgate.balance;

import java.util.random.RandomGenerator;

/**
 * Power of two choices on requests in flight (Envoy's {@code LEAST_REQUEST} with two choices):
 * draws two distinct endpoints at random and takes the one with fewer attempts in flight (the first
 * drawn on a tie). Sees load but not latency; ignores weights. Lock-free: two random numbers and two
 * volatile reads per pick.
 */
public final class LeastRequestBalancer implements Balancer {

    private final RandomGenerator random;

    public LeastRequestBalancer() {
        this(null);
    }

    /** Uses the given generator (tests pass a seeded one; it must be thread-safe if shared). */
    public LeastRequestBalancer(RandomGenerator random) {
        this.random = random;
    }

    @Override
    public EndpointStats pick(EndpointStats[] endpoints, long nowNanos) {
        return TwoRandomChoices.pick(endpoints, random, FEWER_IN_FLIGHT);
    }

    private static final TwoRandomChoices.Preference FEWER_IN_FLIGHT =
            (candidate, other) -> candidate.inFlight() < other.inFlight();
}
