package io.meshgate.outlier;

import java.time.Duration;
import java.util.Set;

/**
 * When passive outlier detection takes an endpoint out of rotation and for how long, with Envoy's
 * semantics: an endpoint with {@code consecutiveFailures} failed attempts in a row is ejected for
 * {@code baseEjectionTime} times the number of times it has been ejected, at most {@code
 * maxEjectionTime}; an ejection that would take more than {@code maxEjectedPercent} of the upstream's
 * endpoints out is not made.
 *
 * @param consecutiveFailures failed attempts in a row that eject an endpoint, 1 or more (default 5)
 * @param baseEjectionTime the first ejection's length; the n-th ejection lasts n times this (default 30 s)
 * @param maxEjectionTime the cap of an ejection's length, at least {@code baseEjectionTime} (default 300 s)
 * @param maxEjectedPercent at most this percent of the endpoints are ejected at once, 0..100; 0 turns
 *     ejection off (default 50)
 * @param failureStatuses the response statuses that count as failures (default 500-599); connect
 *     errors, resets and timeouts always count
 */
public record OutlierPolicy(
        int consecutiveFailures,
        Duration baseEjectionTime,
        Duration maxEjectionTime,
        int maxEjectedPercent,
        Set<Integer> failureStatuses) {

    /** 500 to 599: every server error. */
    public static final Set<Integer> SERVER_ERRORS = io.meshgate.config.OutlierDetection.SERVER_ERRORS;

    /** 5 consecutive failures, 30 s growing per ejection up to 300 s, at most 50 % ejected, 5xx. */
    public static final OutlierPolicy DEFAULTS =
            new OutlierPolicy(5, Duration.ofSeconds(30), Duration.ofSeconds(300), 50, SERVER_ERRORS);

    /**
     * @throws IllegalArgumentException naming the setting that is out of range and the range expected
     */
    public OutlierPolicy {
        if (consecutiveFailures < 1) {
            throw new IllegalArgumentException("consecutiveFailures must be 1 or more, was " + consecutiveFailures);
        }
        if (baseEjectionTime == null || baseEjectionTime.isNegative() || baseEjectionTime.isZero()) {
            throw new IllegalArgumentException("baseEjectionTime must be positive, was " + baseEjectionTime);
        }
        if (maxEjectionTime == null || maxEjectionTime.compareTo(baseEjectionTime) < 0) {
            throw new IllegalArgumentException("maxEjectionTime must be at least baseEjectionTime (" + baseEjectionTime
                    + "), was " + maxEjectionTime);
        }
        if (maxEjectedPercent < 0 || maxEjectedPercent > 100) {
            throw new IllegalArgumentException("maxEjectedPercent must be 0..100, was " + maxEjectedPercent);
        }
        failureStatuses = Set.copyOf(failureStatuses);
        for (int status : failureStatuses) {
            if (status < 100 || status > 599) {
                throw new IllegalArgumentException("failureStatuses must be HTTP statuses 100..599, had " + status);
            }
        }
    }

    public OutlierPolicy withConsecutiveFailures(int failures) {
        return new OutlierPolicy(failures, baseEjectionTime, maxEjectionTime, maxEjectedPercent, failureStatuses);
    }

    public OutlierPolicy withEjectionTime(Duration base, Duration max) {
        return new OutlierPolicy(consecutiveFailures, base, max, maxEjectedPercent, failureStatuses);
    }

    public OutlierPolicy withMaxEjectedPercent(int percent) {
        return new OutlierPolicy(consecutiveFailures, baseEjectionTime, maxEjectionTime, percent, failureStatuses);
    }

    public OutlierPolicy withFailureStatuses(Set<Integer> statuses) {
        return new OutlierPolicy(consecutiveFailures, baseEjectionTime, maxEjectionTime, maxEjectedPercent, statuses);
    }
}
