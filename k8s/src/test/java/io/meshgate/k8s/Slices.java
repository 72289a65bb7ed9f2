package io.meshgate.k8s;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPortBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import java.util.Arrays;
import java.util.List;

/** Test fixtures: EndpointSlices and Services as the Kubernetes controllers write them. */
public final class Slices {

    private Slices() {}

    /** An IPv4 slice of a Service with one port. */
    public static EndpointSlice slice(
            String namespace, String service, String sliceName, EndpointPort port, Endpoint... endpoints) {
        return slice(namespace, service, sliceName, "IPv4", List.of(port), endpoints);
    }

    public static EndpointSlice slice(
            String namespace,
            String service,
            String sliceName,
            String addressType,
            List<EndpointPort> ports,
            Endpoint... endpoints) {
        return new EndpointSliceBuilder()
                .withNewMetadata()
                .withName(sliceName)
                .withNamespace(namespace)
                .addToLabels(KubernetesPermissions.SERVICE_NAME_LABEL, service)
                .addToLabels("endpointslice.kubernetes.io/managed-by", "endpointslice-controller.k8s.io")
                .endMetadata()
                .withAddressType(addressType)
                .withPorts(ports)
                .withEndpoints(Arrays.asList(endpoints))
                .build();
    }

    public static EndpointPort port(String name, int number) {
        return new EndpointPortBuilder()
                .withName(name)
                .withPort(number)
                .withProtocol("TCP")
                .build();
    }

    /** A ready endpoint (conditions as the controller writes them for a ready pod). */
    public static Endpoint ready(String address) {
        return endpoint(address, true, true, false);
    }

    /** A pod being deleted that still serves its in-flight requests. */
    public static Endpoint terminating(String address) {
        return endpoint(address, false, true, true);
    }

    /** A pod that is not ready (starting, or failing its readiness probe). */
    public static Endpoint notReady(String address) {
        return endpoint(address, false, false, false);
    }

    public static Endpoint endpoint(String address, Boolean ready, Boolean serving, Boolean terminating) {
        return new EndpointBuilder()
                .withAddresses(address)
                .withNewConditions()
                .withReady(ready)
                .withServing(serving)
                .withTerminating(terminating)
                .endConditions()
                .withNewTargetRef()
                .withKind("Pod")
                .withName("pod-" + address.replace('.', '-').replace(':', '-'))
                .endTargetRef()
                .build();
    }

    /** A ClusterIP Service with one TCP port. */
    public static Service service(String namespace, String name, String portName, int port, int targetPort) {
        return new ServiceBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace(namespace)
                .endMetadata()
                .withNewSpec()
                .addNewPort()
                .withName(portName)
                .withPort(port)
                .withProtocol("TCP")
                .withNewTargetPort(targetPort)
                .endPort()
                .endSpec()
                .build();
    }
}
