package io.meshgate.config;

/**
 * A named pool of endpoints that routes send traffic to.
 *
 * @param name the key under {@code upstreams:}
 * @param source where the endpoints come from: a static list or a Kubernetes Service
 * @param location where the upstream is declared
 */
public record Upstream(String name, UpstreamSource source, SourceLocation location) {}
