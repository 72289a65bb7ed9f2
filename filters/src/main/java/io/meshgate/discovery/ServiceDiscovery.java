package io.meshgate.discovery;

import io.meshgate.balance.EndpointSet;
import io.meshgate.config.KubernetesService;
import java.util.Collection;

/**
 * Where the endpoints of service-discovered upstreams come from. The route compiler asks for the
 * endpoint set of each Kubernetes upstream once per configuration; the set it gets back stays live
 * (it is updated in place as the service's endpoints change), so no request ever waits on discovery.
 */
public interface ServiceDiscovery {

    /**
     * The live endpoint set of a service, starting to watch it if it is not watched yet. Two calls for
     * the same service (namespace, name, port) return sets that see the same endpoints.
     */
    EndpointSet endpoints(KubernetesService service);

    /**
     * Called after a configuration was activated with the services it references: watches of
     * services no longer referenced may stop.
     */
    void retain(Collection<KubernetesService> referenced);

    /** Discovery that finds nothing: for a gateway without Kubernetes. */
    ServiceDiscovery NONE = new ServiceDiscovery() {
        @Override
        public EndpointSet endpoints(KubernetesService service) {
            return java.util.List::of;
        }

        @Override
        public void retain(Collection<KubernetesService> referenced) {}
    };
}
