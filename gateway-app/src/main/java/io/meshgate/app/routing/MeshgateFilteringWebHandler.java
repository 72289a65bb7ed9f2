package io.meshgate.app.routing;

import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.springframework.cloud.gateway.filter.GatewayFilter;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.cloud.gateway.handler.FilteringWebHandler;
import org.springframework.cloud.gateway.route.Route;

/**
 * Spring Cloud Gateway's filter chain runner, with each route's sorted chain (global filters plus
 * the route's) computed once per route instead of sorted on every request or looked up by the
 * route's deep hash. The chain is kept in the route's own metadata.
 */
public final class MeshgateFilteringWebHandler extends FilteringWebHandler {

    /** Route metadata key of the holder of the route's combined, sorted filter chain. */
    static final String CHAIN_KEY = "meshgate.chain";

    public MeshgateFilteringWebHandler(List<GlobalFilter> globalFilters) {
        super(globalFilters, false);
    }

    @Override
    protected List<GatewayFilter> getCombinedFilters(Route route) {
        @SuppressWarnings("unchecked")
        AtomicReference<List<GatewayFilter>> holder =
                (AtomicReference<List<GatewayFilter>>) route.getMetadata().get(CHAIN_KEY);
        if (holder == null) {
            return getAllFilters(route);
        }
        List<GatewayFilter> chain = holder.get();
        if (chain == null) {
            chain = getAllFilters(route);
            holder.set(chain);
        }
        return chain;
    }
}
