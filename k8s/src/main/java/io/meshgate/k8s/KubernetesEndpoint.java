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
 * @param weight the weighted balancer's weight: the slice's {@value #WEIGHT_ANNOTATION} annotation, else 1
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
        String targetName,
        int weight) {

    /**
     * EndpointSlice annotation giving its endpoints a weight for the {@code weighted} balancer (0 to
     * 1000000; 0 takes them out of rotation). Meant for slices that users manage themselves (a
     * selector-less Service, a canary set of endpoints); the slices Kubernetes manages carry none.
     */
    public static final String WEIGHT_ANNOTATION = "meshgate.io/weight";

    public KubernetesEndpoint {
        hintZones = List.copyOf(hintZones);
    }

    /** An endpoint of weight 1. */
    public KubernetesEndpoint(
            String address,
            int port,
            boolean ready,
            boolean serving,
            boolean terminating,
            String zone,
            String nodeName,
            List<String> hintZones,
            String targetName) {
        this(address, port, ready, serving, terminating, zone, nodeName, hintZones, targetName, 1);
    }

    /** Only ready endpoints that are not terminating take new requests. */
    public boolean takesNewRequests() {
        return ready && !terminating;
    }

    /** The balancer's view of this endpoint. */
    public Endpoint toEndpoint() {
        return Endpoint.of(address, port, weight);
    }

    /** {@code address:port}, with brackets around IPv6 addresses. */
    public String authority() {
        return (address.indexOf(':') >= 0 ? "[" + address + "]" : address) + ":" + port;
    }
}
