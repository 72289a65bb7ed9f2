package io.meshgate.app.routing;

import io.meshgate.app.proxy.DirectRoute;
import io.meshgate.app.upstream.UpstreamRuntime;
import io.meshgate.balance.UpstreamPool;
import io.meshgate.config.RouteConfig;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.springframework.cloud.gateway.route.Route;
import org.springframework.http.HttpHeaders;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.util.MultiValueMap;

/**
 * One configuration compiled for traffic: routes in match order with their matchers, and the
 * upstream pools they send to. Immutable; a reload builds a new table and swaps it in whole, while
 * requests already routed keep the route they were given.
 */
public final class RouteTable {

    private final RouteConfig source;
    private final Instant loadedAt;
    private final CompiledRoute[] routes;
    // The routes of each listener, in match order: a request is matched only against its listener's.
    private final CompiledRoute[] publicRoutes;
    private final CompiledRoute[] meshRoutes;
    private final UpstreamRuntime runtime;

    RouteTable(RouteConfig source, Instant loadedAt, List<CompiledRoute> routes, UpstreamRuntime runtime) {
        this.source = source;
        this.loadedAt = loadedAt;
        this.routes = routes.toArray(CompiledRoute[]::new);
        this.publicRoutes = routes.stream().filter(CompiledRoute::onPublic).toArray(CompiledRoute[]::new);
        this.meshRoutes = routes.stream().filter(CompiledRoute::onMesh).toArray(CompiledRoute[]::new);
        this.runtime = runtime;
    }

    /** The first public-listener route whose match the request satisfies, or null. */
    public Route match(ServerHttpRequest request) {
        CompiledRoute matched = first(publicRoutes, request);
        return matched == null ? null : matched.route();
    }

    /** The first mesh-listener route whose match the request satisfies, or null. */
    public Route matchMesh(ServerHttpRequest request) {
        CompiledRoute matched = first(meshRoutes, request);
        return matched == null ? null : matched.route();
    }

    /**
     * The direct-proxy form of the request's public-listener route, or null if it has none or no
     * route matches.
     */
    public DirectRoute directRoute(ServerHttpRequest request) {
        CompiledRoute matched = first(publicRoutes, request);
        return matched == null ? null : matched.direct();
    }

    /**
     * The public-listener route a request as Netty decoded it takes, as {@link
     * #directRoute(ServerHttpRequest)} answers, for the HTTP/1.1 pass-through: null when no route
     * matches, and also when the matching route has filters (Spring Cloud Gateway's path serves it).
     */
    public DirectRoute directRoute(io.netty.handler.codec.http.HttpRequest request) {
        for (CompiledRoute candidate : publicRoutes) {
            if (candidate.matcher().matches(request)) {
                return candidate.direct();
            }
        }
        return null;
    }

    /** The direct-proxy form of the request's mesh-listener route, or null. */
    public DirectRoute meshDirectRoute(ServerHttpRequest request) {
        CompiledRoute matched = first(meshRoutes, request);
        return matched == null ? null : matched.direct();
    }

    private static CompiledRoute first(CompiledRoute[] routes, ServerHttpRequest request) {
        for (CompiledRoute candidate : routes) {
            if (candidate.matcher().matches(request)) {
                return candidate;
            }
        }
        return null;
    }

    /** A route tried for a request in the admin explain view; {@code failed} is null when it matched. */
    public record Tried(String routeId, String failed) {}

    /**
     * The routes a request of these parts is tried against, in order, up to and including the first
     * that takes it, each with the condition that failed. For the admin explain view; the request path
     * uses {@link #match}.
     */
    public List<Tried> explain(
            boolean mesh,
            String method,
            String host,
            String path,
            HttpHeaders headers,
            MultiValueMap<String, String> query) {
        List<Tried> tried = new ArrayList<>();
        for (CompiledRoute candidate : mesh ? meshRoutes : publicRoutes) {
            String failed = candidate.matcher().explain(method, host, path, headers, query);
            tried.add(new Tried(candidate.route().getId(), failed));
            if (failed == null) {
                break;
            }
        }
        return tried;
    }

    public RouteConfig source() {
        return source;
    }

    public String version() {
        return source.version();
    }

    public Instant loadedAt() {
        return loadedAt;
    }

    public List<Route> routes() {
        return java.util.Arrays.stream(routes).map(CompiledRoute::route).toList();
    }

    /** The upstream pools by name. */
    public Map<String, UpstreamPool> upstreams() {
        return runtime.pools();
    }

    /** The pools and their health checkers. */
    public UpstreamRuntime runtime() {
        return runtime;
    }
}
