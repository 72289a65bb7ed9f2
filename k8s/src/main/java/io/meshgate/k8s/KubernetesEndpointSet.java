package io.meshgate.k8s;

import io.meshgate.balance.Endpoint;
import io.meshgate.balance.EndpointSet;
import java.util.List;

/**
 * The live endpoint set of one Service port, fed by its {@link ServiceWatch}. Reading it is one
 * volatile read of an immutable snapshot: no lock, no allocation, no Kubernetes call.
 */
public final class KubernetesEndpointSet implements EndpointSet {

    private final ServiceName service;
    private final String port;
    private volatile ServiceEndpoints current = ServiceEndpoints.EMPTY;

    KubernetesEndpointSet(ServiceName service, String port) {
        this.service = service;
        this.port = port;
    }

    @Override
    public List<Endpoint> endpoints() {
        return current.ready();
    }

    /** The current snapshot with every endpoint's conditions, zone and hints. */
    public ServiceEndpoints snapshot() {
        return current;
    }

    public ServiceName service() {
        return service;
    }

    /** The port as the route file wrote it: a name or a number. */
    public String port() {
        return port;
    }

    void replace(ServiceEndpoints next) {
        current = next;
    }

    @Override
    public String toString() {
        return service + ":" + port + " " + current.ready();
    }
}
