package io.meshgate.balance;

import java.util.List;

/**
 * Chooses the endpoint for the next attempt among an upstream's available endpoints, and learns from
 * the results of attempts if it cares to. One instance per upstream: balancers keep state (a
 * round-robin position, a weight table). Policies by route-file name: {@link #named(String)}.
 */
public interface Balancer {

    /** The route-file names of the policies {@link #named(String)} knows, the default first. */
    List<String> POLICIES = List.of("peak-ewma", "round-robin", "random", "weighted", "least-request");

    /** The route-file name of the default policy. */
    String DEFAULT_POLICY = "peak-ewma";

    /**
     * Picks one endpoint. Called on the request path: must not block or allocate per call.
     *
     * @param endpoints the endpoints that may take traffic now, never empty; the pool passes the same
     *     array instance until the available endpoints change, so a balancer may cache work per array
     *     (by identity); it must not modify it
     * @param nowNanos the pool's clock, read once per attempt
     */
    EndpointStats pick(EndpointStats[] endpoints, long nowNanos);

    /**
     * Told the result of every attempt, after the endpoint's in-flight count was released. Balancers
     * that learn from latency override it; by default it does nothing.
     *
     * @param latencyNanos from acquire to result, by the pool's clock
     * @param failed a connect error, reset, timeout or a status the upstream counts as a failure
     */
    default void observe(EndpointStats endpoint, long latencyNanos, boolean failed, long nowNanos) {}

    /**
     * A new balancer for a route-file policy name, with its defaults: {@code peak-ewma} (the default),
     * {@code round-robin}, {@code random}, {@code weighted}, {@code least-request}.
     *
     * @throws IllegalArgumentException for any other name, listing the ones expected
     */
    static Balancer named(String policy) {
        return switch (policy) {
            case "peak-ewma" -> new PeakEwmaBalancer();
            case "round-robin" -> new RoundRobinBalancer();
            case "random" -> new RandomBalancer();
            case "weighted" -> new WeightedRoundRobinBalancer();
            case "least-request" -> new LeastRequestBalancer();
            default -> throw new IllegalArgumentException(
                    "unknown balancer '" + policy + "': expected one of " + String.join(", ", POLICIES));
        };
    }
}
