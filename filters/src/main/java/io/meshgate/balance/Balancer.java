package io.meshgate.balance;

import java.util.List;

/** Chooses the endpoint for the next request among an upstream's current endpoints. */
public interface Balancer {

    /**
     * Picks one endpoint.
     *
     * @param endpoints the current snapshot, never empty
     */
    Endpoint pick(List<Endpoint> endpoints);
}
