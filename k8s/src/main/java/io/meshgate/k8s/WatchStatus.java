package io.meshgate.k8s;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What the admin view shows of one watched Service: is the watch healthy, how stale are the endpoints
 * the balancers use, what went wrong last.
 *
 * @param service namespace and name
 * @param serviceFound whether the Service object exists (a missing Service has no endpoints)
 * @param synced whether the first list of the Service and its EndpointSlices has completed
 * @param healthy synced and both watches connected now
 * @param counts endpoints by condition, over all ports
 * @param slices the number of EndpointSlices of the Service
 * @param lastHealthyAt the last time the watch was known healthy (null: never)
 * @param lastChangeAt the last time an endpoint set was rebuilt from a change (null: never)
 * @param stalenessSeconds 0 while healthy, else seconds since {@code lastHealthyAt} (or since the
 *     watch started, if it never was healthy)
 * @param lastError the last error, as logged (null: none)
 * @param lastErrorAt when it happened
 * @param errors error counts by reason since the watch started
 * @param ports the endpoint sets the routes use, by port as written in the route files
 */
public record WatchStatus(
        ServiceName service,
        boolean serviceFound,
        boolean synced,
        boolean healthy,
        EndpointSlices.Counts counts,
        int slices,
        Instant lastHealthyAt,
        Instant lastChangeAt,
        double stalenessSeconds,
        String lastError,
        Instant lastErrorAt,
        Map<ErrorReason, Long> errors,
        Map<String, List<KubernetesEndpoint>> ports) {}
