package io.meshgate.app.proxy;

import io.meshgate.app.routing.ActiveRoutes;
import io.meshgate.app.routing.MeshListener;
import io.meshgate.app.routing.RouteTable;
import java.net.InetSocketAddress;
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
 * Sits in front of Spring WebFlux on the traffic port and the mesh listener: a request whose route
 * (of the listener it arrived on) can take the direct path ({@link DirectRoute}: no Spring Cloud
 * Gateway filters) is proxied by {@link DirectProxy}, on the mesh listener after the route's
 * authorization allowed the client's identity (403 otherwise); every other request (routes with
 * filters, WebSocket upgrades, no matching route, the management port) goes on to Spring Cloud
 * Gateway unchanged.
 */
public final class DirectProxyHandler implements HttpHandler {

    private final HttpHandler next;
    private final ActiveRoutes active;
    private final DirectProxy proxy;
    private final TrafficPorts trafficPorts;
    private final MeshListener mesh;

    DirectProxyHandler(
            HttpHandler next, ActiveRoutes active, DirectProxy proxy, TrafficPorts trafficPorts, MeshListener mesh) {
        this.next = next;
        this.active = active;
        this.proxy = proxy;
        this.trafficPorts = trafficPorts;
        this.mesh = mesh;
    }

    @Override
    public Mono<Void> handle(ServerHttpRequest request, ServerHttpResponse response) {
        InetSocketAddress local = request.getLocalAddress();
        if (local == null) {
            return next.handle(request, response);
        }
        int port = local.getPort();
        if (port == mesh.port()) {
            return handleMesh(request, response);
        }
        DirectRoute route = trafficPorts.contains(port) ? direct(request, false) : null;
        if (route == null) {
            return next.handle(request, response);
        }
        HttpServerRequest nativeRequest = ServerHttpRequestDecorator.getNativeRequest(request);
        HttpServerResponse nativeResponse = ServerHttpResponseDecorator.getNativeResponse(response);
        return proxy.proxy(route, nativeRequest, nativeResponse);
    }

    private Mono<Void> handleMesh(ServerHttpRequest request, ServerHttpResponse response) {
        DirectRoute route = direct(request, true);
        if (route == null) {
            return next.handle(request, response);
        }
        HttpServerRequest nativeRequest = ServerHttpRequestDecorator.getNativeRequest(request);
        HttpServerResponse nativeResponse = ServerHttpResponseDecorator.getNativeResponse(response);
        String identity = nativeRequest.requestHeaders().get(mesh.identityHeader());
        if (!route.authorizer().allows(identity)) {
            return proxy.deny(route, identity, nativeRequest, nativeResponse);
        }
        return proxy.proxy(route, nativeRequest, nativeResponse);
    }

    private DirectRoute direct(ServerHttpRequest request, boolean onMesh) {
        RouteTable table = active.current();
        if (table == null) {
            return null;
        }
        DirectRoute route = onMesh ? table.meshDirectRoute(request) : table.directRoute(request);
        if (route == null || request.getHeaders().containsHeader(HttpHeaders.UPGRADE)) {
            return null;
        }
        return route;
    }
}
