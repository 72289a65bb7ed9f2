package io.meshgate.balance;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** Takes endpoints in turn. Lock-free: one atomic increment per pick. */
public final class RoundRobinBalancer implements Balancer {

    private final AtomicInteger next = new AtomicInteger();

    @Override
    public Endpoint pick(List<Endpoint> endpoints) {
        int size = endpoints.size();
        return size == 1 ? endpoints.get(0) : endpoints.get(Math.floorMod(next.getAndIncrement(), size));
    }
}
