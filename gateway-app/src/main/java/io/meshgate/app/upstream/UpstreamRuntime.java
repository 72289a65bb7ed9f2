package io.meshgate.app.upstream;

import io.meshgate.balance.UpstreamPool;
import io.meshgate.health.HealthChecker;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;

/**
 * The upstreams of one configuration at run time: their pools and the health checkers probing them.
 * Built with the configuration, started when it becomes active, closed when another replaces it.
 */
public final class UpstreamRuntime implements AutoCloseable {

    private final Map<String, UpstreamPool> pools;
    private final List<HealthChecker> healthCheckers;

    UpstreamRuntime(Map<String, UpstreamPool> pools, List<HealthChecker> healthCheckers) {
        this.pools = Map.copyOf(pools);
        this.healthCheckers = List.copyOf(healthCheckers);
    }

    /** The pools by upstream name. */
    public Map<String, UpstreamPool> pools() {
        return pools;
    }

    /** Starts the health checks (the configuration now serves). */
    public void start(ScheduledExecutorService scheduler) {
        healthCheckers.forEach(checker -> checker.start(scheduler));
    }

    /** Stops the health checks (another configuration serves now). */
    @Override
    public void close() {
        healthCheckers.forEach(HealthChecker::close);
    }
}
