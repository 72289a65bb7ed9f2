package io.meshgate.app.routing;

import org.springframework.cloud.gateway.config.GlobalCorsProperties;
import org.springframework.cloud.gateway.handler.FilteringWebHandler;
import org.springframework.cloud.gateway.handler.RoutePredicateHandlerMapping;
import org.springframework.cloud.gateway.route.Route;
import org.springframework.core.env.Environment;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Finds the route for a request by a synchronous first-match scan of the active {@link RouteTable},
 * instead of Spring Cloud Gateway's reactive evaluation of every route's predicate. Everything after
 * the route is found (filters, HTTP client) is Spring Cloud Gateway's.
 */
public final class MeshgateHandlerMapping extends RoutePredicateHandlerMapping {

    private final ActiveRoutes active;
    private final MeshListener mesh;

    public MeshgateHandlerMapping(
            FilteringWebHandler webHandler,
            ActiveRoutes active,
            MeshListener mesh,
            GlobalCorsProperties globalCorsProperties,
            Environment environment) {
        super(webHandler, active, globalCorsProperties, environment);
        this.active = active;
        this.mesh = mesh;
    }

    /** A request is matched against the routes of the listener it arrived on only. */
    @Override
    protected Mono<Route> lookupRoute(ServerWebExchange exchange) {
        RouteTable table = active.current();
        if (table == null) {
            return Mono.empty();
        }
        ServerHttpRequest request = exchange.getRequest();
        return Mono.justOrEmpty(mesh.received(request) ? table.matchMesh(request) : table.match(request));
    }
}
