package io.meshgate.config;

import java.time.Duration;
import java.util.List;

/**
 * A route: which requests it takes ({@link RouteMatch}), where they go (weighted {@link Backend}s)
 * and what happens on the way ({@link FilterSpec}s).
 *
 * @param timeout the overall upstream response timeout for a request on this route: the deadline
 *     that bounds all its attempts together
 * @param retry how failed attempts are retried ({@link RetryPolicy#DEFAULT} if not written)
 */
public record Route(
        String id,
        RouteMatch match,
        List<Backend> backends,
        Duration timeout,
        List<FilterSpec> filters,
        SourceLocation location,
        RetryPolicy retry) {

    /** The timeout of a route that does not set one, as in Envoy. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(15);

    public Route {
        backends = List.copyOf(backends);
        filters = List.copyOf(filters);
        if (retry == null) {
            retry = RetryPolicy.DEFAULT;
        }
    }

    /** A route with the default retry policy. */
    public Route(
            String id,
            RouteMatch match,
            List<Backend> backends,
            Duration timeout,
            List<FilterSpec> filters,
            SourceLocation location) {
        this(id, match, backends, timeout, filters, location, RetryPolicy.DEFAULT);
    }
}
