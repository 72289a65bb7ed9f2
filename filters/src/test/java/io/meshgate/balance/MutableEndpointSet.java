package io.meshgate.balance;

import java.util.List;

/** An endpoint set a test replaces, as discovery does: a new immutable list on every change. */
public final class MutableEndpointSet implements EndpointSet {

    private volatile List<Endpoint> endpoints;

    public MutableEndpointSet(Endpoint... endpoints) {
        this.endpoints = List.of(endpoints);
    }

    public void replace(Endpoint... next) {
        endpoints = List.of(next);
    }

    @Override
    public List<Endpoint> endpoints() {
        return endpoints;
    }

    /** {@code n} endpoints 10.0.0.1:80 ... of weight 1. */
    public static Endpoint[] endpoints(int n) {
        Endpoint[] all = new Endpoint[n];
        for (int i = 0; i < n; i++) {
            all[i] = Endpoint.of("10.0.0." + (i + 1), 80, 1);
        }
        return all;
    }
}
