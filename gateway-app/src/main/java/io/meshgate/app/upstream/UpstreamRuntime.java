package io.meshgate.app.upstream;

import io.meshgate.balance.UpstreamPool;
import io.meshgate.circuit.UpstreamBreakers;
import io.meshgate.health.HealthChecker;
import io.meshgate.retry.RetryBudgets;
import io.meshgate.retry.UpstreamGuard;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;

/**
 * The upstreams of one configuration at run time: their pools, the health checkers probing them, and
 * their retry budgets and circuit breakers.
 * Built with the configuration, started when it becomes active, closed when another replaces it.
 */
public final class UpstreamRuntime implements AutoCloseable {

    private final Map<String, UpstreamPool> pools;
    private final List<HealthChecker> healthCheckers;
    private final RetryBudgets budgets;
    private final UpstreamBreakers breakers;
    private final Map<String, UpstreamGuard> guards;
    private final UpstreamClients.Built clients;

    UpstreamRuntime(
            Map<String, UpstreamPool> pools,
            List<HealthChecker> healthCheckers,
            RetryBudgets budgets,
            UpstreamBreakers breakers,
            Map<String, UpstreamGuard> guards,
            UpstreamClients.Built clients) {
        this.pools = Map.copyOf(pools);
        this.healthCheckers = List.copyOf(healthCheckers);
        this.budgets = budgets;
        this.breakers = breakers;
        this.guards = Map.copyOf(guards);
        this.clients = clients;
    }

    /** The HTTP clients of the upstreams that speak TLS, h2c or h2, kept for the next configuration. */
    public UpstreamClients.Built clients() {
        return clients;
    }

    /** The retry budgets by upstream name. */
    public RetryBudgets budgets() {
        return budgets;
    }

    /** The circuit breakers of the upstreams that have one. */
    public UpstreamBreakers breakers() {
        return breakers;
    }

    /** What the attempt loops need per upstream (pool, budget, breaker, fallback, counters), by name. */
    public Map<String, UpstreamGuard> guards() {
        return guards;
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
