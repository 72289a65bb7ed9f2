package io.meshgate.app.upstream;

import io.meshgate.balance.Balancer;
import io.meshgate.balance.Endpoint;
import io.meshgate.balance.EndpointSet;
import io.meshgate.balance.StaticEndpointSet;
import io.meshgate.balance.UpstreamPool;
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
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds the {@link UpstreamRuntime} of a configuration from its upstreams' route-file policies: the
 * balancer, outlier detection, panic threshold, health checks and failover of each pool. A pool of an
 * upstream that the previous configuration also had starts from what that one learnt (latency
 * estimates, ejections, health verdicts), so a reload does not reset the view of the endpoints.
 */
public final class UpstreamFactory {

    private final ServiceDiscovery discovery;
    private final UpstreamMetrics metrics;
    private final HealthProbe probe;

    public UpstreamFactory(ServiceDiscovery discovery, UpstreamMetrics metrics, HealthProbe probe) {
        this.discovery = discovery;
        this.metrics = metrics;
        this.probe = probe;
    }

    /**
     * @param previous the pools of the configuration serving now, by name (empty at start)
     */
    public UpstreamRuntime build(RouteConfig config, Map<String, UpstreamPool> previous) {
        Map<String, UpstreamPool> pools = new LinkedHashMap<>();
        List<HealthChecker> checkers = new ArrayList<>();
        for (Upstream upstream : config.upstreams().values()) {
            UpstreamPolicy policy = upstream.policy();
            UpstreamPool pool = UpstreamPool.builder(upstream.name(), endpoints(upstream))
                    .balancer(Balancer.named(policy.balancer()))
                    .outlierDetection(outlierPolicy(policy.outlierDetection()), metrics)
                    .panicThreshold(policy.panicThreshold())
                    .carryOver(previous.get(upstream.name()))
                    .build();
            pools.put(upstream.name(), pool);
            if (policy.outlierDetection() != null) {
                metrics.register(upstream.name());
            }
            HealthCheck check = policy.healthCheck();
            if (check != null) {
                HealthCheckPolicy healthPolicy = healthPolicy(check);
                checkers.add(new HealthChecker(
                        pool, healthPolicy, endpoint -> probe.probe(endpoint, healthPolicy), pool.clock()));
            }
        }
        // Failovers once all pools exist; the route-file loader has rejected unknown names and cycles.
        for (Upstream upstream : config.upstreams().values()) {
            String failover = upstream.policy().failover();
            if (failover != null) {
                pools.get(upstream.name()).failoverTo(pools.get(failover));
            }
        }
        return new UpstreamRuntime(pools, checkers);
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
}
