package io.meshgate.app.proxy;

import io.meshgate.authz.MeshAuthorizer;
import io.meshgate.balance.UpstreamPool;
import io.meshgate.metrics.RouteMeters;
import io.meshgate.retry.RetryPlan;
import io.meshgate.retry.UpstreamGuard;
import io.meshgate.split.WeightedSplit;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.Set;

/**
 * What the direct proxy needs of a route that has no Spring Cloud Gateway filters: its backends,
 * its timeout (the deadline of all attempts), its retries and its meters. Built once per
 * configuration.
 *
 * @param firstAttemptTimeout how long the first attempt waits for the upstream: the per-try timeout
 *     when it is shorter than the route timeout, else the route timeout
 * @param authorizer who may call the route on the mesh listener; null for a route not on it
 * @param plainUpstreams whether every upstream an attempt of the route can reach (its backends, their
 *     failovers and circuit-breaker fallbacks) takes plain HTTP/1.1 on the shared client: what the
 *     HTTP/1.1 pass-through ({@code io.meshgate.app.proxy.h1}) speaks
 */
public record DirectRoute(
        String id,
        WeightedSplit<UpstreamPool> backends,
        Duration timeout,
        RouteMeters meters,
        RetryPlan retry,
        Duration firstAttemptTimeout,
        MeshAuthorizer authorizer,
        boolean plainUpstreams) {

    public DirectRoute(
            String id,
            WeightedSplit<UpstreamPool> backends,
            Duration timeout,
            RouteMeters meters,
            RetryPlan retry,
            MeshAuthorizer authorizer) {
        this(
                id,
                backends,
                timeout,
                meters,
                retry,
                Duration.ofNanos(retry.attemptTimeoutNanos(0, timeout.toNanos())),
                authorizer,
                plainUpstreams(backends, retry));
    }

    /** Whether every pool an attempt can reach has no client of its own (no TLS, h2c or h2). */
    static boolean plainUpstreams(WeightedSplit<UpstreamPool> backends, RetryPlan retry) {
        Deque<UpstreamPool> toVisit = new ArrayDeque<>(backends.choices());
        Set<UpstreamPool> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        while (!toVisit.isEmpty()) {
            UpstreamPool pool = toVisit.pop();
            if (!seen.add(pool)) {
                continue;
            }
            if (pool.client() != null) {
                return false;
            }
            if (pool.failover() != null) {
                toVisit.push(pool.failover());
            }
            UpstreamGuard guard = retry.guard(pool);
            if (guard != null && guard.fallback() != null) {
                toVisit.push(guard.fallback());
            }
        }
        return true;
    }
}
