package io.meshgate.config;

import java.time.Duration;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * An upstream's {@code healthCheck}: every {@code interval}, {@code GET path} on each endpoint; no
 * answer within {@code timeout} or a status outside {@code healthyStatuses} fails the probe.
 * {@code unhealthyThreshold} failures in a row take an endpoint out of rotation, {@code
 * healthyThreshold} passes in a row bring it back.
 */
public record HealthCheck(
        String path,
        Duration interval,
        Duration timeout,
        int healthyThreshold,
        int unhealthyThreshold,
        Set<Integer> healthyStatuses) {

    /** 200 to 299. */
    public static final Set<Integer> SUCCESS =
            IntStream.rangeClosed(200, 299).boxed().collect(Collectors.toUnmodifiableSet());

    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(10);
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(1);
    public static final int DEFAULT_HEALTHY_THRESHOLD = 2;
    public static final int DEFAULT_UNHEALTHY_THRESHOLD = 3;

    public HealthCheck {
        healthyStatuses = Set.copyOf(healthyStatuses);
    }
}
