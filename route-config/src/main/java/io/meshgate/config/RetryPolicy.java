package io.meshgate.config;

import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * How a route retries a failed attempt (route-file key {@code retry}). Every route has one: a route
 * without {@code retry} gets {@link #DEFAULT}, since the upstream's retry budget keeps retries from
 * amplifying an outage and only requests that are safe to repeat are retried.
 *
 * <p>The route's {@code timeout} is the overall deadline: it bounds all attempts and backoffs
 * together; {@code perTryTimeout} bounds each one.
 *
 * @param attempts attempts in all, the first included: 1 turns retries off (Envoy's {@code
 *     num_retries} plus one)
 * @param on the failures that are retried
 * @param statuses response statuses that are retried (default 502, 503, 504)
 * @param perTryTimeout how long one attempt may wait for its response headers, or null for no limit
 *     but the route's deadline
 * @param backoffBase the first backoff's upper bound; each retry doubles it (full jitter)
 * @param backoffMax the largest upper bound a backoff reaches
 * @param methods methods retried even after the request was sent, beyond the idempotent ones (GET,
 *     HEAD, OPTIONS, PUT, DELETE, TRACE), upper case
 * @param bufferBody the most bytes of a request body kept for a retry; a larger body streams
 *     through and is not retried once sent
 * @param location where {@code retry} is written, or the route's location for the default
 */
public record RetryPolicy(
        int attempts,
        Set<Condition> on,
        Set<Integer> statuses,
        Duration perTryTimeout,
        Duration backoffBase,
        Duration backoffMax,
        Set<String> methods,
        long bufferBody,
        SourceLocation location) {

    /** The failures other than a status that a route can retry (route-file names in the comments). */
    public enum Condition {
        /** {@code connect-failure}: no connection (refused, unreachable, connect timeout). */
        CONNECT_FAILURE("connect-failure"),
        /** {@code reset}: the connection closed or reset before the response headers. */
        RESET("reset"),
        /** {@code per-try-timeout}: no response headers within {@code perTryTimeout}. */
        PER_TRY_TIMEOUT("per-try-timeout");

        private final String key;

        Condition(String key) {
            this.key = key;
        }

        /** The route-file name. */
        public String key() {
            return key;
        }

        /** The condition of a route-file name, or null. */
        public static Condition of(String key) {
            for (Condition c : values()) {
                if (c.key.equals(key)) {
                    return c;
                }
            }
            return null;
        }
    }

    public static final int DEFAULT_ATTEMPTS = 3;
    public static final int MAX_ATTEMPTS = 10;
    public static final Set<Condition> DEFAULT_ON = Set.of(Condition.values());
    public static final Set<Integer> DEFAULT_STATUSES = Set.of(502, 503, 504);
    public static final Duration DEFAULT_BACKOFF_BASE = Duration.ofMillis(25);
    public static final Duration DEFAULT_BACKOFF_MAX = Duration.ofMillis(250);
    public static final long DEFAULT_BUFFER_BODY = 64 * 1024;
    /** The largest {@code bufferBody}: per request, so it bounds memory per concurrent retry. */
    public static final long MAX_BUFFER_BODY = 16L * 1024 * 1024;

    /** Methods that are safe to send twice (RFC 9110 section 9.2.2), always retried. */
    public static final List<String> IDEMPOTENT_METHODS = List.of("GET", "HEAD", "OPTIONS", "PUT", "DELETE", "TRACE");

    /** The policy of a route without {@code retry}. */
    public static final RetryPolicy DEFAULT = defaults(SourceLocation.unknown("(default)"));

    public RetryPolicy {
        on = Set.copyOf(on);
        statuses = Set.copyOf(statuses);
        methods = Set.copyOf(methods);
    }

    /** The defaults, located at {@code location}. */
    public static RetryPolicy defaults(SourceLocation location) {
        return new RetryPolicy(
                DEFAULT_ATTEMPTS,
                DEFAULT_ON,
                DEFAULT_STATUSES,
                null,
                DEFAULT_BACKOFF_BASE,
                DEFAULT_BACKOFF_MAX,
                Set.of(),
                DEFAULT_BUFFER_BODY,
                location);
    }

    /** Whether the route retries at all. */
    public boolean enabled() {
        return attempts > 1;
    }
}
