package io.meshgate.k8s;

import io.meshgate.config.KubernetesService;

/**
 * A Service by namespace and name: the key of one watch. Route files may reference the same Service
 * with different ports and from different places; all of them share its watch.
 */
public record ServiceName(String namespace, String name) {

    public static ServiceName of(KubernetesService service) {
        return new ServiceName(service.namespace(), service.service());
    }

    @Override
    public String toString() {
        return namespace + "/" + name;
    }
}
