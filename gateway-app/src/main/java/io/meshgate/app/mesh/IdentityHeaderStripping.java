package io.meshgate.app.mesh;

import io.netty.util.AsciiString;
import org.springframework.http.server.reactive.HttpHandler;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.http.server.reactive.ServerHttpResponse;
import reactor.core.publisher.Mono;
import reactor.netty.Connection;
import reactor.netty.http.server.HttpServerRequest;

/**
 * Drops the identity header a client sent on a connection that has no verified identity (the
 * traffic port), so no upstream can be told a forged identity. On mesh connections the
 * {@link MeshServer} has already replaced it with the verified one. Outermost decorator of the
 * handler, so the direct proxy path sees the cleaned headers too. Present only with the mesh
 * listener on: its cost (a channel attribute read and a header removal per request) is not on
 * the default path.
 */
final class IdentityHeaderStripping implements HttpHandler {

    private final HttpHandler next;
    private final AsciiString header;

    IdentityHeaderStripping(HttpHandler next, String header) {
        this.next = next;
        this.header = AsciiString.cached(header);
    }

    @Override
    public Mono<Void> handle(ServerHttpRequest request, ServerHttpResponse response) {
        if (ServerHttpRequestDecorator.getNativeRequest(request) instanceof HttpServerRequest nativeRequest
                && nativeRequest instanceof Connection connection
                && ClientIdentity.attached(connection.channel()) == null) {
            nativeRequest.requestHeaders().remove(header);
        }
        return next.handle(request, response);
    }
}
