package io.meshgate.k8s;

import java.util.List;

/**
 * The Kubernetes API permissions discovery needs, defined once: the informers of {@link ServiceWatch}
 * list and watch exactly these, the RBAC manifest in {@code k8s/deploy/} grants exactly these (a test
 * checks both), and a 403 error message names them.
 */
public final class KubernetesPermissions {

    /** The label an EndpointSlice carries with the name of its Service. */
    public static final String SERVICE_NAME_LABEL = "kubernetes.io/service-name";

    /**
     * One RBAC rule.
     *
     * @param apiGroup the API group ({@code ""} for the core group)
     * @param resource the resource, plural
     * @param verbs the verbs, in the order RBAC manifests usually write them
     */
    public record Rule(String apiGroup, String resource, List<String> verbs) {

        /** {@code endpointslices.discovery.k8s.io} or {@code services}: the name {@code kubectl} uses. */
        public String qualifiedResource() {
            return apiGroup.isEmpty() ? resource : resource + "." + apiGroup;
        }
    }

    /** EndpointSlices: the endpoints themselves. */
    public static final Rule ENDPOINT_SLICES = new Rule("discovery.k8s.io", "endpointslices", List.of("list", "watch"));

    /** Services: to turn a Service port number into the port name the EndpointSlices carry. */
    public static final Rule SERVICES = new Rule("", "services", List.of("list", "watch"));

    /** Everything discovery uses, and nothing else. */
    public static final List<Rule> REQUIRED = List.of(ENDPOINT_SLICES, SERVICES);

    private KubernetesPermissions() {}
}
