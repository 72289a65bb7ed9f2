package io.meshgate.app.proxy;

import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;

/**
 * The ports of the traffic listener(s) (plain or TLS), learnt as the servers start: the request
 * paths meshgate puts in front of Spring WebFlux serve these, never the management port's.
 */
public final class TrafficPorts {

    private final Set<Integer> ports = new CopyOnWriteArraySet<>();

    public boolean contains(int port) {
        return ports.contains(port);
    }

    void add(int port) {
        ports.add(port);
    }
}
