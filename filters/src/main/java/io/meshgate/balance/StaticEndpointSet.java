package io.meshgate.balance;

import java.util.List;

/** Endpoints written in a route file: they change only with the configuration. */
public final class StaticEndpointSet implements EndpointSet {

    private final List<Endpoint> endpoints;

    public StaticEndpointSet(List<Endpoint> endpoints) {
        // Weight 0 drains an endpoint: it stays declared but takes no traffic.
        this.endpoints =
                endpoints.stream().filter(endpoint -> endpoint.weight() > 0).toList();
    }

    @Override
    public List<Endpoint> endpoints() {
        return endpoints;
    }
}
