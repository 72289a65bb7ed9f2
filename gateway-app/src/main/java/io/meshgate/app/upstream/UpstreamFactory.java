package io.meshgate.app.upstream;

import io.meshgate.balance.Balancer;
import io.meshgate.balance.Endpoint;
import io.meshgate.balance.EndpointSet;
import io.meshgate.balance.StaticEndpointSet;
import io.meshgate.balance.UpstreamPool;
import io.meshgate.circuit.UpstreamBreaker;
import io.meshgate.circuit.UpstreamBreakers;
import io.meshgate.config.ConfigException;
import io.meshgate.config.HealthCheck;
import io.meshgate.config.KubernetesService;
import io.meshgate.config.OutlierDetection;
import io.meshgate.config.RouteConfig;
import io.meshgate.config.StaticEndpoints;
import io.meshgate.config.Upstream;
import io.meshgate.config.UpstreamPolicy;
import io.meshgate.discovery.ServiceDiscovery;
import io.meshgate.health.HealthCheckPolicy;
import io.meshgate.health.HealthChecker;
import io.meshgate.outlier.OutlierPolicy;
import io.meshgate.retry.RetryBudgets;
import io.meshgate.retry.UpstreamGuard;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds the {@link UpstreamRuntime} of a configuration from its upstreams' route-file policies: the
 * balancer, outlier detection, panic threshold, health checks and failover of each pool, and each
 * upstream's retry budget and circuit breaker ({@link UpstreamGuard}). A pool of an
 * upstream that the previous configuration also had starts from what that one learnt (latency
 * estimates, ejections, health verdicts), so a reload does not reset the view of the endpoints.
 */
public final class UpstreamFactory {

    private final ServiceDiscovery discovery;
    private final UpstreamMetrics metrics;
    private final HealthProbe probe;
    private final UpstreamClients clients;

    public UpstreamFactory(
            ServiceDiscovery discovery, UpstreamMetrics metrics, HealthProbe probe, UpstreamClients clients) {
        this.discovery = discovery;
        this.metrics = metrics;
        this.probe = probe;
        this.clients = clients;
    }

    /**
     * @param serving the runtime of the configuration serving now, or null at start: pools, retry
     *     budgets and circuit breakers carry over from it, and the HTTP clients of upstreams whose
     *     transport (TLS, protocol) and PEM files are unchanged
     * @throws ConfigException when an upstream's TLS files cannot be used
     */
    public UpstreamRuntime build(RouteConfig config, UpstreamRuntime serving) throws ConfigException {
        Map<String, UpstreamPool> previous = serving == null ? Map.of() : serving.pools();
        UpstreamClients.Session session = clients.session(serving == null ? null : serving.clients());
        for (Upstream upstream : config.upstreams().values()) {
            session.client(upstream.name(), upstream.transport());
        }
        UpstreamClients.Built built = session.finish();
        Map<String, UpstreamPool> pools = new LinkedHashMap<>();
        List<HealthChecker> checkers = new ArrayList<>();
        for (Upstream upstream : config.upstreams().values()) {
            UpstreamPolicy policy = upstream.policy();
            UpstreamPool pool = UpstreamPool.builder(upstream.name(), endpoints(upstream))
                    .balancer(Balancer.named(policy.balancer()))
                    .outlierDetection(outlierPolicy(policy.outlierDetection()), metrics)
                    .panicThreshold(policy.panicThreshold())
                    .carryOver(previous.get(upstream.name()))
                    .recorder(metrics.requestMeters(upstream.name()))
                    .client(session.client(upstream.name(), upstream.transport()))
                    .build();
            pools.put(upstream.name(), pool);
            if (policy.outlierDetection() != null) {
                metrics.register(upstream.name());
            }
            HealthCheck check = policy.healthCheck();
            if (check != null) {
                HealthCheckPolicy healthPolicy = healthPolicy(check);
                checkers.add(new HealthChecker(
                        pool,
                        healthPolicy,
                        endpoint -> probe.probe(pool.client(), endpoint, healthPolicy),
                        pool.clock()));
            }
        }
        // Failovers once all pools exist; the route-file loader has rejected unknown names and cycles.
        for (Upstream upstream : config.upstreams().values()) {
            String failover = upstream.policy().failover();
            if (failover != null) {
                pools.get(upstream.name()).failoverTo(pools.get(failover));
            }
        }
        // Budgets and breakers keep their windows (and an open breaker its state) across a reload while
        // their policy is unchanged, so a reload during an outage hands out no fresh retries.
        RetryBudgets budgets = RetryBudgets.of(
                config.upstreams().values(), serving == null ? RetryBudgets.NONE : serving.budgets(), System::nanoTime);
        UpstreamBreakers breakers = UpstreamBreakers.of(
                config.upstreams().values(),
                serving == null ? UpstreamBreakers.NONE : serving.breakers(),
                Clock.systemUTC());
        Map<String, UpstreamGuard> guards = new LinkedHashMap<>();
        for (UpstreamPool pool : pools.values()) {
            UpstreamBreaker breaker = breakers.get(pool.name());
            guards.put(
                    pool.name(),
                    new UpstreamGuard(
                            pool,
                            budgets.get(pool.name()),
                            breaker,
                            breaker == null || breaker.fallback() == null ? null : pools.get(breaker.fallback()),
                            metrics.retryMeters(pool.name())));
        }
        return new UpstreamRuntime(pools, checkers, budgets, breakers, guards, built);
    }

    private EndpointSet endpoints(Upstream upstream) {
        if (upstream.source() instanceof StaticEndpoints list) {
            List<Endpoint> endpoints = list.endpoints().stream()
                    .map(e -> Endpoint.of(e.host(), e.port(), e.weight()))
                    .toList();
            return new StaticEndpointSet(endpoints);
        }
        return discovery.endpoints((KubernetesService) upstream.source());
    }

    static OutlierPolicy outlierPolicy(OutlierDetection detection) {
        return detection == null
                ? null
                : new OutlierPolicy(
                        detection.consecutiveFailures(),
                        detection.baseEjectionTime(),
                        detection.maxEjectionTime(),
                        detection.maxEjectedPercent(),
                        detection.failureStatuses());
    }

    static HealthCheckPolicy healthPolicy(HealthCheck check) {
        return new HealthCheckPolicy(
                check.path(),
                check.interval(),
                check.timeout(),
                check.healthyThreshold(),
                check.unhealthyThreshold(),
                check.healthyStatuses());
    }

    /** The upstream metrics the pools report to. */
    public UpstreamMetrics metrics() {
        return metrics;
    }
}
