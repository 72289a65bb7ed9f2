package io.meshgate.config;

import java.util.List;

/**
 * How an upstream chooses endpoints and reacts to failing ones: the route-file keys next to an
 * upstream's {@code endpoints} or {@code kubernetes}.
 *
 * @param balancer the balancing policy's route-file name (default {@value #DEFAULT_BALANCER})
 * @param outlierDetection passive outlier detection, or null when turned off ({@code
 *     outlierDetection: false}); on with {@link OutlierDetection#DEFAULTS} when not written
 * @param panicThreshold below this percent of healthy endpoints, balance over all of them (0..100)
 * @param healthCheck active health checks, or null (the default: none)
 * @param failover the upstream that takes the traffic when this one has no healthy endpoint, or null
 * @param failoverLocation where {@code failover} is written, for errors about it
 */
public record UpstreamPolicy(
        String balancer,
        OutlierDetection outlierDetection,
        int panicThreshold,
        HealthCheck healthCheck,
        String failover,
        SourceLocation failoverLocation) {

    /** The balancer of an upstream that names none: power of two choices on peak-EWMA latency. */
    public static final String DEFAULT_BALANCER = "peak-ewma";

    /** The balancers a route file may name, the default first. */
    public static final List<String> BALANCERS =
            List.of(DEFAULT_BALANCER, "round-robin", "random", "weighted", "least-request");

    /** Envoy's {@code healthy_panic_threshold} default. */
    public static final int DEFAULT_PANIC_THRESHOLD = 50;

    /** An upstream's policy when the route file says nothing: peak-EWMA, outlier detection on, no failover. */
    public static final UpstreamPolicy DEFAULTS =
            new UpstreamPolicy(DEFAULT_BALANCER, OutlierDetection.DEFAULTS, DEFAULT_PANIC_THRESHOLD, null, null, null);
}
