package io.meshgate.config;

import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * A route: which requests it takes ({@link RouteMatch}), where they go (weighted {@link Backend}s)
 * and what happens on the way ({@link FilterSpec}s).
 *
 * @param timeout the overall upstream response timeout for a request on this route: the deadline
 *     that bounds all its attempts together
 * @param retry how failed attempts are retried ({@link RetryPolicy#DEFAULT} if not written)
 * @param listeners the listeners the route is reached on: {@link #DEFAULT_LISTENERS} unless written,
 *     or only the mesh listener when the route has an {@code authorization} and no {@code listeners}
 * @param authorization who may call the route on the mesh listener; null: no one (fail closed)
 */
public record Route(
        String id,
        RouteMatch match,
        List<Backend> backends,
        Duration timeout,
        List<FilterSpec> filters,
        SourceLocation location,
        RetryPolicy retry,
        Set<Listener> listeners,
        MeshAuthorization authorization) {

    /**
     * A route without {@code listeners}: the public listener only, so that no route written before
     * the mesh listener existed becomes reachable by service-to-service traffic.
     */
    public static final Set<Listener> DEFAULT_LISTENERS = Set.of(Listener.PUBLIC);

    /** The timeout of a route that does not set one, as in Envoy. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(15);

    public Route {
        backends = List.copyOf(backends);
        filters = List.copyOf(filters);
        if (retry == null) {
            retry = RetryPolicy.DEFAULT;
        }
        listeners = listeners == null ? DEFAULT_LISTENERS : Set.copyOf(listeners);
    }

    /** A public route with a retry policy. */
    public Route(
            String id,
            RouteMatch match,
            List<Backend> backends,
            Duration timeout,
            List<FilterSpec> filters,
            SourceLocation location,
            RetryPolicy retry) {
        this(id, match, backends, timeout, filters, location, retry, DEFAULT_LISTENERS, null);
    }

    /** Whether the route is reached on the listener. */
    public boolean on(Listener listener) {
        return listeners.contains(listener);
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
