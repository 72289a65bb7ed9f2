package io.meshgate.balance;

import java.util.concurrent.atomic.AtomicInteger;

/** Takes endpoints in turn, blind to load and latency. Lock-free: one atomic increment per pick. */
public final class RoundRobinBalancer implements Balancer {

    private final AtomicInteger next = new AtomicInteger();

    @Override
    public EndpointStats pick(EndpointStats[] endpoints, long nowNanos) {
        int size = endpoints.length;
        return size == 1 ? endpoints[0] : endpoints[Math.floorMod(next.getAndIncrement(), size)];
    }
}
