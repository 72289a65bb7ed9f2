package io.meshgate.app.mesh;

import io.meshgate.app.edge.ListenerHardening;
import io.meshgate.app.routing.MeshListener;
import io.meshgate.app.tls.ServerCertificates;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.util.AsciiString;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.SmartLifecycle;
import org.springframework.http.server.reactive.HttpHandler;
import org.springframework.http.server.reactive.ReactorHttpHandlerAdapter;
import reactor.core.publisher.Mono;
import reactor.netty.Connection;
import reactor.netty.DisposableServer;
import reactor.netty.http.HttpProtocol;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

/**
 * The mesh listener: a second Reactor Netty server in front of the same handler as the traffic
 * port (routes, direct proxy, Spring Cloud Gateway). Its TLS requires a client certificate from
 * the mesh CA; the handshake fails without one. Each request carries the connection's verified
 * identity upstream in the identity header, replacing whatever the client sent under that name.
 */
final class MeshServer implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(MeshServer.class);

    private final MeshProperties properties;
    private final ServerCertificates certificates;
    private final ObjectProvider<HttpHandler> httpHandler;
    private final AsciiString identityHeader;
    private final MeshListener listener;
    private final ListenerHardening hardening;
    private volatile DisposableServer server;

    MeshServer(
            MeshProperties properties,
            ServerCertificates certificates,
            ObjectProvider<HttpHandler> httpHandler,
            MeshListener listener,
            ListenerHardening hardening) {
        this.properties = properties;
        this.hardening = hardening;
        this.certificates = certificates;
        this.httpHandler = httpHandler;
        this.listener = listener;
        this.identityHeader = AsciiString.cached(properties.identityHeader());
    }

    @Override
    public void start() {
        ReactorHttpHandlerAdapter adapter = new ReactorHttpHandlerAdapter(httpHandler.getObject());
        // The traffic listener's limits, timeouts and edge checks (meshgate.limits.*).
        server = hardening
                .apply(HttpServer.create())
                .host(properties.address())
                .port(properties.port())
                .protocol(HttpProtocol.H2, HttpProtocol.HTTP11)
                .secure(spec -> spec.sslContext(certificates.fallback().getSslContext())
                        .setSniAsyncMappings(
                                (serverName, promise) -> promise.setSuccess(certificates.select(serverName))))
                .handle((request, response) -> handle(adapter, request, response))
                // Before any connection is accepted: the routes of this port are the mesh ones.
                .doOnBound(bound -> listener.bound(bound.port(), properties.identityHeader()))
                .bindNow(Duration.ofSeconds(10));
        log.info(
                "Mesh listener on {}:{}: client certificates from {} required; identity upstream in '{}'",
                properties.address(),
                server.port(),
                properties.clientCa(),
                properties.identityHeader());
    }

    private Mono<Void> handle(
            ReactorHttpHandlerAdapter adapter, HttpServerRequest request, HttpServerResponse response) {
        String identity = ClientIdentity.ofMeshConnection(((Connection) request).channel());
        if (identity.isEmpty()) {
            return response.status(HttpResponseStatus.FORBIDDEN)
                    .sendString(Mono.just("the client certificate names no identity (no URI or DNS SAN)\n"))
                    .then();
        }
        request.requestHeaders().set(identityHeader, identity);
        return adapter.apply(request, response);
    }

    @Override
    public void stop() {
        DisposableServer running = server;
        if (running != null) {
            running.disposeNow(Duration.ofSeconds(5));
            server = null;
        }
    }

    @Override
    public boolean isRunning() {
        return server != null;
    }

    /** The bound port. */
    int port() {
        return server.port();
    }
}
