package io.meshgate.config;

/**
 * A Kubernetes Service whose ready endpoints form the upstream ({@code kubernetes: {service,
 * namespace, port}}).
 *
 * @param service the Service name
 * @param namespace the namespace; never null (defaults to {@code default})
 * @param port a port name ({@code http}) or number ({@code "8080"}) of the Service's endpoints
 */
public record KubernetesService(String service, String namespace, String port, SourceLocation location)
        implements UpstreamSource {}
