package io.meshgate.app.proxy;

import io.meshgate.app.routing.ActiveRoutes;
import io.meshgate.app.routing.RouteTable;
import java.net.InetSocketAddress;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;
import org.springframework.http.HttpHeaders;
import org.springframework.http.server.reactive.HttpHandler;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.http.server.reactive.ServerHttpResponseDecorator;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

/**
 * Sits in front of Spring WebFlux on the traffic port: a request whose route can take the direct
 * path ({@link DirectRoute}: no Spring Cloud Gateway filters) is proxied by {@link DirectProxy};
 * every other request (routes with filters, WebSocket upgrades, no matching route, the management
 * port) goes on to Spring Cloud Gateway unchanged.
 */
public final class DirectProxyHandler implements HttpHandler {

    private final HttpHandler next;
    private final ActiveRoutes active;
    private final DirectProxy proxy;
    private final Set<Integer> managementPorts;

    DirectProxyHandler(HttpHandler next, ActiveRoutes active, DirectProxy proxy, Set<Integer> managementPorts) {
        this.next = next;
        this.active = active;
        this.proxy = proxy;
        this.managementPorts = managementPorts;
    }

    @Override
    public Mono<Void> handle(ServerHttpRequest request, ServerHttpResponse response) {
        DirectRoute route = directRoute(request);
        if (route == null) {
            return next.handle(request, response);
        }
        HttpServerRequest nativeRequest = ServerHttpRequestDecorator.getNativeRequest(request);
        HttpServerResponse nativeResponse = ServerHttpResponseDecorator.getNativeResponse(response);
        return proxy.proxy(route, nativeRequest, nativeResponse);
    }

    private DirectRoute directRoute(ServerHttpRequest request) {
        InetSocketAddress local = request.getLocalAddress();
        if (local == null || managementPorts.contains(local.getPort())) {
            return null;
        }
        RouteTable table = active.current();
        if (table == null) {
            return null;
        }
        DirectRoute route = table.directRoute(request);
        if (route == null || request.getHeaders().containsHeader(HttpHeaders.UPGRADE)) {
            return null;
        }
        return route;
    }

    /**
     * The ports of the management server, filled in as servers start: every other listener (the
     * traffic port, the mesh listener) serves routes.
     */
    static Set<Integer> newPortSet() {
        return new CopyOnWriteArraySet<>();
    }
}
