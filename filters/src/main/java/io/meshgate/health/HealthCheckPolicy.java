package io.meshgate.health;

import java.time.Duration;
import java.util.Set;

/**
 * How an upstream's endpoints are probed by active health checks: an HTTP GET of {@code path} every
 * {@code interval}, failing after {@code timeout}; {@code unhealthyThreshold} failed probes in a row
 * take a healthy endpoint out of rotation, {@code healthyThreshold} passed probes in a row bring it
 * back. New endpoints start healthy (discovery already vouches for them; the first failed probes take
 * them out), unlike Envoy's option to hold new hosts until their first check.
 *
 * @param path the request path of the probe, starting with '/'
 * @param interval time between the starts of two probes of one endpoint (default 10 s)
 * @param timeout a probe without an answer after this long failed (default 1 s)
 * @param healthyThreshold passed probes in a row that make an unhealthy endpoint healthy (default 2)
 * @param unhealthyThreshold failed probes in a row that make a healthy endpoint unhealthy (default 3)
 * @param healthyStatuses response statuses that pass (default 200-299)
 */
public record HealthCheckPolicy(
        String path,
        Duration interval,
        Duration timeout,
        int healthyThreshold,
        int unhealthyThreshold,
        Set<Integer> healthyStatuses) {

    /** 200 to 299. */
    public static final Set<Integer> SUCCESS = io.meshgate.config.HealthCheck.SUCCESS;

    /**
     * @throws IllegalArgumentException naming the setting that is out of range and the range expected
     */
    public HealthCheckPolicy {
        if (path == null || !path.startsWith("/")) {
            throw new IllegalArgumentException("health check path must start with '/', was " + path);
        }
        if (interval == null || interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("health check interval must be positive, was " + interval);
        }
        if (timeout == null || timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("health check timeout must be positive, was " + timeout);
        }
        if (healthyThreshold < 1 || unhealthyThreshold < 1) {
            throw new IllegalArgumentException("health check thresholds must be 1 or more, were healthy "
                    + healthyThreshold + ", unhealthy " + unhealthyThreshold);
        }
        healthyStatuses = Set.copyOf(healthyStatuses);
        if (healthyStatuses.isEmpty()) {
            throw new IllegalArgumentException("health check healthyStatuses must name at least one status");
        }
    }

    /** Probes {@code path} with the defaults: every 10 s, 1 s timeout, thresholds 2 healthy / 3 unhealthy, 2xx. */
    public static HealthCheckPolicy of(String path) {
        return new HealthCheckPolicy(path, Duration.ofSeconds(10), Duration.ofSeconds(1), 2, 3, SUCCESS);
    }

    public HealthCheckPolicy withInterval(Duration interval, Duration timeout) {
        return new HealthCheckPolicy(path, interval, timeout, healthyThreshold, unhealthyThreshold, healthyStatuses);
    }

    public HealthCheckPolicy withThresholds(int healthy, int unhealthy) {
        return new HealthCheckPolicy(path, interval, timeout, healthy, unhealthy, healthyStatuses);
    }

    public HealthCheckPolicy withHealthyStatuses(Set<Integer> statuses) {
        return new HealthCheckPolicy(path, interval, timeout, healthyThreshold, unhealthyThreshold, statuses);
    }
}
