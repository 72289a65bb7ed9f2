package io.meshgate.app.routing;

import java.util.concurrent.atomic.AtomicReference;
import org.springframework.cloud.gateway.route.Route;
import org.springframework.cloud.gateway.route.RouteLocator;
import reactor.core.publisher.Flux;

/**
 * The route table now serving traffic. Swapped atomically on reload. Also a {@link RouteLocator}, so
 * Spring Cloud Gateway's own views of the routes show meshgate's.
 */
public final class ActiveRoutes implements RouteLocator {

    private final AtomicReference<RouteTable> current = new AtomicReference<>();

    public RouteTable current() {
        return current.get();
    }

    public void activate(RouteTable table) {
        current.set(table);
    }

    @Override
    public Flux<Route> getRoutes() {
        RouteTable table = current.get();
        return table == null ? Flux.empty() : Flux.fromIterable(table.routes());
    }
}
