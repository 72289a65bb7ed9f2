package io.meshgate.app.admin;

import io.meshgate.app.reload.ConfigReloader;
import io.meshgate.app.reload.ReloadStatus;
import io.meshgate.app.routing.ActiveRoutes;
import io.meshgate.app.routing.FilterSpecCompiler;
import io.meshgate.app.routing.RouteTable;
import io.meshgate.balance.PeakEwmaBalancer;
import io.meshgate.balance.UpstreamPool;
import io.meshgate.config.Listener;
import io.meshgate.config.MeshAuthorization;
import io.meshgate.config.Route;
import io.meshgate.config.RouteConfig;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;

/**
 * {@code /actuator/meshgate} on the management port: the active configuration (version, load time,
 * files, routes, upstreams with their current endpoints) and the last rejected reload with every
 * error, so "why is my change not live?" has an answer.
 */
@Endpoint(id = "meshgate")
public final class MeshgateEndpoint {

    private final ActiveRoutes active;
    private final ConfigReloader reloader;
    private final FilterSpecCompiler filters;

    public MeshgateEndpoint(ActiveRoutes active, ConfigReloader reloader, FilterSpecCompiler filters) {
        this.active = active;
        this.reloader = reloader;
        this.filters = filters;
    }

    @ReadOperation
    public Map<String, Object> status() {
        RouteTable table = active.current();
        RouteConfig config = table.source();
        Map<String, Object> status = new LinkedHashMap<>();
        Map<String, Object> activeView = new LinkedHashMap<>();
        activeView.put("version", table.version());
        activeView.put("loadedAt", table.loadedAt().toString());
        activeView.put("source", reloader.source().toString());
        activeView.put("files", config.files());
        activeView.put(
                "routes", config.routes().stream().map(MeshgateEndpoint::route).toList());
        Map<String, Object> upstreams = new LinkedHashMap<>();
        table.upstreams().forEach((name, pool) -> upstreams.put(name, upstream(pool)));
        activeView.put("upstreams", upstreams);
        status.put("active", activeView);
        Map<String, Object> reloads = new LinkedHashMap<>();
        reloads.put("applied", reloader.appliedCount());
        reloads.put("rejected", reloader.rejectedCount());
        reloads.put("lastSucceeded", reloader.lastSucceeded());
        ReloadStatus rejection = reloader.lastRejection();
        if (rejection != null) {
            reloads.put(
                    "lastRejected",
                    Map.of(
                            "at", rejection.at().toString(),
                            "errors",
                                    rejection.errors().stream()
                                            .map(Object::toString)
                                            .toList()));
        }
        status.put("reloads", reloads);
        status.put("filters", filters.names());
        return status;
    }

    /**
     * {@code GET /actuator/meshgate/explain?method=GET&host=api.example.com&path=/orders/1?x=1&header=X-Env:stage}:
     * which route takes such a request, why the routes before it do not, and its backends and
     * endpoints with what is not eligible and why. {@code path} is required (with an optional query
     * string, URL-encoded); {@code header} may repeat; {@code listener=mesh} explains a request of
     * the mesh listener (default: the public one). Other views under {@code /actuator/meshgate/}
     * are 404.
     */
    @ReadOperation
    public @Nullable Map<String, Object> explain(
            @Selector String view,
            @Nullable String method,
            @Nullable String host,
            String path,
            @Nullable List<String> header,
            @Nullable String listener) {
        if (!view.equals("explain")) {
            return null;
        }
        boolean mesh = "mesh".equals(listener);
        if (listener != null && !mesh && !listener.equals("public")) {
            throw new org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException(
                    "listener must be public or mesh", "listener must be public or mesh");
        }
        return RouteExplainer.explain(active.current(), mesh, method, host, path, header == null ? List.of() : header);
    }

    private static Map<String, Object> route(Route route) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", route.id());
        view.put("location", route.location().toString());
        Map<String, Object> match = new LinkedHashMap<>();
        if (!route.match().hosts().isEmpty()) {
            match.put("hosts", route.match().hosts());
        }
        if (!route.match().paths().isEmpty()) {
            match.put("paths", route.match().paths());
        }
        if (!route.match().methods().isEmpty()) {
            match.put("methods", route.match().methods().stream().sorted().toList());
        }
        if (!route.match().headers().isEmpty()) {
            match.put(
                    "headers",
                    route.match().headers().stream()
                            .map(h -> h.name() + " " + h.kind().name().toLowerCase(java.util.Locale.ROOT) + " "
                                    + h.value())
                            .toList());
        }
        if (!route.match().queryParams().isEmpty()) {
            match.put(
                    "query",
                    route.match().queryParams().stream()
                            .map(q -> q.name() + " " + q.kind().name().toLowerCase(java.util.Locale.ROOT) + " "
                                    + q.value())
                            .toList());
        }
        view.put("match", match);
        view.put(
                "backends",
                route.backends().stream()
                        .map(b -> Map.of("upstream", b.upstream(), "weight", b.weight()))
                        .toList());
        view.put("timeout", humanDuration(route.timeout()));
        view.put("filters", route.filters().stream().map(f -> f.text()).toList());
        view.put(
                "listeners",
                route.listeners().stream().sorted().map(Listener::key).toList());
        if (route.on(Listener.MESH)) {
            MeshAuthorization authorization = route.authorization();
            Map<String, Object> allow = new LinkedHashMap<>();
            if (authorization != null) {
                List<String> identities = new ArrayList<>(
                        authorization.identities().stream().sorted().toList());
                if (authorization.anyIdentity()) {
                    identities.add(0, "*");
                }
                allow.put("identities", identities);
                allow.put(
                        "namespaces",
                        authorization.namespaces().stream().sorted().toList());
            }
            // An empty allow: the mesh listener denies every identity (no authorization written).
            view.put("authorization", Map.of("allow", allow));
        }
        return view;
    }

    private static String humanDuration(java.time.Duration duration) {
        long millis = duration.toMillis();
        return millis % 1000 == 0 ? millis / 1000 + "s" : millis + "ms";
    }

    /** An upstream's view: its endpoints, and how each stands with the balancer and outlier detection. */
    private static Map<String, Object> upstream(UpstreamPool pool) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put(
                "endpoints",
                pool.endpointSet().endpoints().stream()
                        .map(io.meshgate.balance.Endpoint::address)
                        .toList());
        view.put("balancer", pool.balancer().getClass().getSimpleName());
        // How the gateway talks to it: http1, h2c, or "http1 over TLS" / "h2 over TLS".
        view.put("transport", pool.client() == null ? "http1" : pool.client().toString());
        view.put("healthy", pool.healthyCount());
        view.put("panic", pool.panicking());
        if (pool.failover() != null) {
            view.put("failover", pool.failover().name());
        }
        long now = pool.clock().getAsLong();
        view.put(
                "endpointStates",
                pool.endpointStats().stream()
                        .map(stats -> {
                            Map<String, Object> state = new LinkedHashMap<>();
                            state.put("address", stats.address());
                            state.put("weight", stats.endpoint().weight());
                            state.put("inFlight", stats.inFlight());
                            state.put("ejected", stats.ejected());
                            state.put("healthy", stats.healthy());
                            state.put("consecutiveFailures", stats.ejection().consecutiveFailures());
                            if (pool.balancer() instanceof PeakEwmaBalancer ewma) {
                                state.put("latencyEwmaMillis", ewma.estimateNanos(stats, now) / 1e6);
                            }
                            return state;
                        })
                        .toList());
        return view;
    }
}
