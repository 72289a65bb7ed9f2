package io.meshgate.app.routing;

import static org.springframework.cloud.gateway.support.RouteMetadataUtils.RESPONSE_TIMEOUT_ATTR;

import io.meshgate.app.proxy.DirectRoute;
import io.meshgate.app.upstream.UpstreamFactory;
import io.meshgate.app.upstream.UpstreamRuntime;
import io.meshgate.authz.DeniedRequests;
import io.meshgate.authz.MeshAuthorizer;
import io.meshgate.balance.UpstreamPool;
import io.meshgate.config.Backend;
import io.meshgate.config.ConfigError;
import io.meshgate.config.ConfigException;
import io.meshgate.config.FilterSpec;
import io.meshgate.config.KubernetesService;
import io.meshgate.config.Listener;
import io.meshgate.config.Route;
import io.meshgate.config.RouteConfig;
import io.meshgate.config.Upstream;
import io.meshgate.discovery.ServiceDiscovery;
import io.meshgate.match.RequestMatcher;
import io.meshgate.metrics.RouteMeters;
import io.meshgate.metrics.RouteMetricsFilter;
import io.meshgate.retry.RetryPlan;
import io.meshgate.retry.UpstreamGuard;
import io.meshgate.route.UpstreamRoutingFilter;
import io.meshgate.split.WeightedSplit;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import org.springframework.cloud.gateway.filter.FilterDefinition;
import org.springframework.cloud.gateway.filter.GatewayFilter;
import org.springframework.cloud.gateway.filter.OrderedGatewayFilter;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.AnnotationAwareOrderComparator;
import reactor.core.publisher.Mono;

/**
 * Compiles a validated {@link RouteConfig} into a {@link RouteTable}: matchers, filters, weight
 * tables and upstream pools are all built here, once per configuration, so the request path only
 * reads them. Any error (a bad path pattern, an unknown filter) rejects the whole configuration.
 */
public final class RouteCompiler {

    /** Route URIs use this scheme; {@link UpstreamRoutingFilter} replaces it with an endpoint. */
    static final String ROUTE_URI_SCHEME = "meshgate";

    private final FilterSpecCompiler filters;
    private final List<FilterDefinition> defaultFilters;
    private final ServiceDiscovery discovery;
    private final UpstreamFactory upstreams;
    private final ActiveRoutes active;
    private final ScheduledExecutorService timer;
    private final MeterRegistry meters;
    private final MeshListener mesh;
    private final DeniedRequests denied;
    private final Clock clock;
    private final ReentrantLock activation = new ReentrantLock();
    private UpstreamRuntime running; // guarded by activation

    public RouteCompiler(
            FilterSpecCompiler filters,
            List<FilterDefinition> defaultFilters,
            ServiceDiscovery discovery,
            UpstreamFactory upstreams,
            ActiveRoutes active,
            ScheduledExecutorService timer,
            MeterRegistry meters,
            MeshListener mesh,
            Clock clock) {
        this.filters = filters;
        this.defaultFilters = List.copyOf(defaultFilters);
        this.discovery = discovery;
        this.upstreams = upstreams;
        this.active = active;
        this.timer = timer;
        this.meters = meters;
        this.mesh = mesh;
        this.denied = new DeniedRequests(meters);
        this.clock = clock;
    }

    /**
     * The table now serves: its health checks start, the previous table's stop, the series of upstreams
     * and routes it no longer has go, and discovery stops watching the services no longer used.
     */
    public void activated(RouteTable table) {
        activation.lock();
        try {
            if (running != table.runtime()) {
                table.runtime().start(timer);
                if (running != null) {
                    running.close();
                }
                running = table.runtime();
                upstreams.metrics().retainUpstreams(running.pools().keySet());
                // The new upstreams' gauges now rather than at the next periodic refresh (on the timer
                // thread, which owns them).
                UpstreamRuntime serving = running;
                timer.execute(() -> upstreams.metrics().refresh(serving));
            }
        } finally {
            activation.unlock();
        }
        discovery.retain(services(table.source()));
        RouteMeters.retainRoutes(
                meters,
                table.routes().stream()
                        .map(org.springframework.cloud.gateway.route.Route::getId)
                        .collect(java.util.stream.Collectors.toSet()));
    }

    public RouteTable compile(RouteConfig config) throws ConfigException {
        List<ConfigError> errors = new ArrayList<>();
        RouteTable serving = active.current();
        UpstreamRuntime runtime = upstreams.build(config, serving == null ? null : serving.runtime());
        Map<String, UpstreamPool> pools = runtime.pools();
        List<CompiledRoute> routes = new ArrayList<>();
        for (int index = 0; index < config.routes().size(); index++) {
            Route route = config.routes().get(index);
            try {
                routes.add(compile(route, index, pools, runtime.guards(), errors));
            } catch (ConfigException e) {
                errors.addAll(e.errors());
            }
        }
        if (!errors.isEmpty()) {
            throw new ConfigException(errors);
        }
        return new RouteTable(config, clock.instant(), routes, runtime);
    }

    private CompiledRoute compile(
            Route route,
            int index,
            Map<String, UpstreamPool> pools,
            Map<String, UpstreamGuard> guards,
            List<ConfigError> errors)
            throws ConfigException {
        RequestMatcher matcher = RequestMatcher.compile(route.match());
        List<GatewayFilter> chain = new ArrayList<>();
        int position = 0;
        for (FilterDefinition definition : defaultFilters) {
            // Default filters come from application.yaml, so they have no route-file location.
            FilterSpec spec = new FilterSpec(
                    definition.getName() + "="
                            + String.join(",", definition.getArgs().values()),
                    io.meshgate.config.SourceLocation.unknown("spring.cloud.gateway.server.webflux.default-filters"));
            add(chain, ++position, filters.compile(route.id(), spec), errors);
        }
        for (FilterSpec spec : route.filters()) {
            add(chain, ++position, filters.compile(route.id(), spec), errors);
        }
        MeshAuthorizer authorizer = null;
        if (route.on(Listener.MESH)) {
            authorizer = new MeshAuthorizer(route.id(), route.authorization(), denied);
            chain.add(new MeshAuthorizationFilter(authorizer, mesh));
        }
        WeightedSplit<UpstreamPool> backends =
                WeightedSplit.of(route.backends(), backend -> pools.get(backend.upstream()), Backend::weight);
        RetryPlan retry = new RetryPlan(route.retry(), route.timeout(), guards);
        chain.add(new UpstreamRoutingFilter(backends, route.timeout().toMillis(), retry));
        AnnotationAwareOrderComparator.sort(chain);
        RouteMeters routeMeters = new RouteMeters(meters, route.id());
        org.springframework.cloud.gateway.route.Route compiled = org.springframework.cloud.gateway.route.Route.async()
                .id(route.id())
                .uri(URI.create(ROUTE_URI_SCHEME + "://" + route.id()))
                .order(index)
                .asyncPredicate(exchange -> Mono.just(matcher.matches(exchange.getRequest())))
                .replaceFilters(chain)
                .metadata(RESPONSE_TIMEOUT_ATTR, route.timeout().toMillis())
                .metadata(RouteMetricsFilter.METERS_KEY, routeMeters)
                .metadata(MeshgateFilteringWebHandler.CHAIN_KEY, new AtomicReference<List<GatewayFilter>>())
                .build();
        // Filters need Spring Cloud Gateway's exchange; a route without any takes the direct proxy,
        // which checks the mesh authorization itself.
        int own = authorizer == null ? 1 : 2;
        DirectRoute direct = chain.size() == own
                ? new DirectRoute(route.id(), backends, route.timeout(), routeMeters, retry, authorizer)
                : null;
        return new CompiledRoute(matcher, compiled, direct, route.on(Listener.PUBLIC), route.on(Listener.MESH));
    }

    private static void add(
            List<GatewayFilter> chain, int position, FilterSpecCompiler.Result result, List<ConfigError> errors) {
        if (result.error() != null) {
            errors.add(result.error());
        } else if (result.filter() instanceof Ordered) {
            chain.add(result.filter());
        } else {
            chain.add(new OrderedGatewayFilter(result.filter(), position));
        }
    }

    /** The Kubernetes Services a configuration references, for {@link ServiceDiscovery#retain}. */
    static List<KubernetesService> services(RouteConfig config) {
        return config.upstreams().values().stream()
                .map(Upstream::source)
                .filter(KubernetesService.class::isInstance)
                .map(KubernetesService.class::cast)
                .toList();
    }
}
