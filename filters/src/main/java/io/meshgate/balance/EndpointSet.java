package io.meshgate.balance;

import java.util.List;

/**
 * The live endpoints of one upstream: the SPI through which static route-file endpoints and
 * Kubernetes discovery feed the balancers. Implementations replace the list atomically on change;
 * readers never see a half-updated set and never block.
 */
public interface EndpointSet {

    /** The endpoints that may take new requests now; an immutable snapshot, possibly empty. */
    List<Endpoint> endpoints();
}
