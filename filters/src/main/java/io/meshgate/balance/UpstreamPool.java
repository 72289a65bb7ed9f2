package io.meshgate.balance;

import java.util.List;

/**
 * An upstream at run time: its name, where its endpoints come from, and how one is chosen.
 */
public final class UpstreamPool {

    private final String name;
    private final EndpointSet endpoints;
    private final Balancer balancer;

    public UpstreamPool(String name, EndpointSet endpoints, Balancer balancer) {
        this.name = name;
        this.endpoints = endpoints;
        this.balancer = balancer;
    }

    public String name() {
        return name;
    }

    public EndpointSet endpointSet() {
        return endpoints;
    }

    /** The endpoint for the next request, or null when the upstream has none ready. */
    public Endpoint pick() {
        List<Endpoint> current = endpoints.endpoints();
        return current.isEmpty() ? null : balancer.pick(current);
    }
}
