package io.meshgate.app.proxy;

import io.meshgate.authz.MeshAuthorizer;
import io.meshgate.balance.UpstreamPool;
import io.meshgate.metrics.RouteMeters;
import io.meshgate.retry.RetryPlan;
import io.meshgate.split.WeightedSplit;
import java.time.Duration;

/**
 * What the direct proxy needs of a route that has no Spring Cloud Gateway filters: its backends,
 * its timeout (the deadline of all attempts), its retries and its meters. Built once per
 * configuration.
 *
 * @param firstAttemptTimeout how long the first attempt waits for the upstream: the per-try timeout
 *     when it is shorter than the route timeout, else the route timeout
 * @param authorizer who may call the route on the mesh listener; null for a route not on it
 */
public record DirectRoute(
        String id,
        WeightedSplit<UpstreamPool> backends,
        Duration timeout,
        RouteMeters meters,
        RetryPlan retry,
        Duration firstAttemptTimeout,
        MeshAuthorizer authorizer) {

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
                authorizer);
    }
}
