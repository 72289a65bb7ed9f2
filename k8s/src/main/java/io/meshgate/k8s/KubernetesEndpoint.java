package io.meshgate.k8s;

import io.meshgate.balance.Endpoint;
import java.util.List;

/**
 * One endpoint of a Service as its EndpointSlice describes it, with what the balancer does not need
 * today but zone-aware routing will: the zone, the node and the topology hints.
 *
 * @param address IPv4 or IPv6 address (no brackets)
 * @param port the port resolved for the route's Service port, in this endpoint's slice
 * @param ready the {@code ready} condition (absent means ready)
 * @param serving the {@code serving} condition (absent means as {@code ready})
 * @param terminating the {@code terminating} condition (absent means not terminating)
 * @param zone the endpoint's zone, or null
 * @param nodeName the node the endpoint runs on, or null
 * @param hintZones the zones the endpoint's slice hints it should serve (topology-aware routing)
 * @param targetName the name of the object behind the endpoint (usually the pod), or null
 */
public record KubernetesEndpoint(
        String address,
        int port,
        boolean ready,
        boolean serving,
        boolean terminating,
        String zone,
        String nodeName,
        List<String> hintZones,
        String targetName) {

    public KubernetesEndpoint {
        hintZones = List.copyOf(hintZones);
    }

    /** Only ready endpoints that are not terminating take new requests. */
    public boolean takesNewRequests() {
        return ready && !terminating;
    }

    /** The balancer's view of this endpoint (Kubernetes endpoints all weigh 1). */
    public Endpoint toEndpoint() {
        return Endpoint.of(address, port, 1);
    }

    /** {@code address:port}, with brackets around IPv6 addresses. */
    public String authority() {
        return (address.indexOf(':') >= 0 ? "[" + address + "]" : address) + ":" + port;
    }
}
