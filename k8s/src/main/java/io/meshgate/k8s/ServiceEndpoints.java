package io.meshgate.k8s;

import io.meshgate.balance.Endpoint;
import java.util.List;

/**
 * The endpoints of one Service port at one moment, merged across all the Service's EndpointSlices:
 * an immutable snapshot, replaced whole on every change.
 *
 * @param ready the endpoints that take new requests (ready, not terminating), sorted by address: what
 *     the balancer sees
 * @param all every endpoint with its conditions, zone and hints, sorted by address
 */
public record ServiceEndpoints(List<Endpoint> ready, List<KubernetesEndpoint> all) {

    public static final ServiceEndpoints EMPTY = new ServiceEndpoints(List.of(), List.of());

    public ServiceEndpoints {
        ready = List.copyOf(ready);
        all = List.copyOf(all);
    }

    public static ServiceEndpoints of(List<KubernetesEndpoint> all) {
        return new ServiceEndpoints(
                all.stream()
                        .filter(KubernetesEndpoint::takesNewRequests)
                        .map(KubernetesEndpoint::toEndpoint)
                        .toList(),
                all);
    }
}
