package io.meshgate.config;

import java.time.Duration;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * An upstream's {@code outlierDetection}: an endpoint with {@code consecutiveFailures} failed attempts
 * in a row is taken out of rotation for {@code baseEjectionTime} times the number of its ejections, at
 * most {@code maxEjectionTime}, while at most {@code maxEjectedPercent} of the endpoints are out.
 * Connect errors, resets and timeouts always count as failures; {@code failureStatuses} lists the
 * response statuses that do.
 */
public record OutlierDetection(
        int consecutiveFailures,
        Duration baseEjectionTime,
        Duration maxEjectionTime,
        int maxEjectedPercent,
        Set<Integer> failureStatuses) {

    /** 500 to 599. */
    public static final Set<Integer> SERVER_ERRORS =
            IntStream.rangeClosed(500, 599).boxed().collect(Collectors.toUnmodifiableSet());

    /** Envoy's defaults: 5 in a row, 30 s growing per ejection up to 300 s, at most 50 % out, 5xx. */
    public static final OutlierDetection DEFAULTS =
            new OutlierDetection(5, Duration.ofSeconds(30), Duration.ofSeconds(300), 50, SERVER_ERRORS);

    public OutlierDetection {
        failureStatuses = Set.copyOf(failureStatuses);
    }
}
