package io.meshgate.config;

import java.util.List;

/**
 * East-west routing by Service name ({@code eastWest: [ {namespace, services, port, authorization} ]}):
 * on the mesh listener, a request whose {@code Host} names one of these Services ({@code
 * <service>.<namespace>.svc.cluster.local}, {@code <service>.<namespace>.svc} or {@code
 * <service>.<namespace>}, any port) goes to that Service's endpoints without a written route. The
 * loader turns each Service into an upstream and a mesh route named {@code
 * <service>.<namespace>.svc}, placed after every written route, so written routes win.
 *
 * @param services the Service names, in the order written
 * @param port the Services' port, a name ({@code http}) or number, as for a Kubernetes upstream
 * @param authorization who may call these Services; null denies everyone
 */
public record EastWest(
        String namespace,
        List<String> services,
        String port,
        MeshAuthorization authorization,
        SourceLocation location) {

    /** The cluster domain of the long host form. */
    public static final String CLUSTER_DOMAIN = "cluster.local";

    public EastWest {
        services = List.copyOf(services);
    }

    /** The name of the upstream and the route made for one of the Services. */
    public static String routeName(String service, String namespace) {
        return service + "." + namespace + ".svc";
    }

    /** The host names that reach a Service. */
    public static List<String> hosts(String service, String namespace) {
        String svc = routeName(service, namespace);
        return List.of(svc + "." + CLUSTER_DOMAIN, svc, service + "." + namespace);
    }
}
