package io.meshgate.metrics;

import static org.springframework.cloud.gateway.support.ServerWebExchangeUtils.GATEWAY_ROUTE_ATTR;

import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.cloud.gateway.route.Route;
import org.springframework.core.Ordered;
import org.springframework.http.HttpStatusCode;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Times every routed request into its route's {@link RouteMeters}, found in the route's metadata
 * under {@link #METERS_KEY}. Runs first, so the time covers the route's filters and the upstream.
 */
public final class RouteMetricsFilter implements GlobalFilter, Ordered {

    /** Route metadata key of the route's {@link RouteMeters}. */
    public static final String METERS_KEY = "meshgate.meters";

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE + 100;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
        Route route = exchange.getAttribute(GATEWAY_ROUTE_ATTR);
        RouteMeters meters =
                route == null ? null : (RouteMeters) route.getMetadata().get(METERS_KEY);
        if (meters == null) {
            return chain.filter(exchange);
        }
        long start = System.nanoTime();
        return chain.filter(exchange).doFinally(signal -> {
            HttpStatusCode status = exchange.getResponse().getStatusCode();
            // An error signal without a status becomes a 5xx when Spring's error handler answers.
            meters.record(status == null ? 500 : status.value(), System.nanoTime() - start);
        });
    }
}
