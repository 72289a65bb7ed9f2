package io.meshgate.app.proxy;

import io.meshgate.app.observe.ObservedRequest;
import io.meshgate.app.observe.RequestObserver;
import io.meshgate.transport.EndpointClients;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.nio.charset.StandardCharsets;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

/**
 * Proxies a request of a filter-less route straight from Reactor Netty's server to its client: the
 * request's headers are copied once into the upstream request, the response's once into the
 * client's, bodies stream through without copies. This skips Spring WebFlux's exchange and Spring
 * Cloud Gateway's filter chain, which cost about half of the request path's CPU, while keeping
 * meshgate's behaviour: weighted backends, the upstream's balancer fed with each attempt's result,
 * retries with their budget and circuit breakers ({@link DirectAttempts}), the route timeout (504), a
 * 503 naming an upstream without endpoints or a refused connection, per-route metrics.
 */
public final class DirectProxy {

    private final EndpointClients clients;
    private final RequestObserver observer;

    public DirectProxy(HttpClient client) {
        this(client, RequestObserver.NONE);
    }

    public DirectProxy(HttpClient client, RequestObserver observer) {
        this.clients = new EndpointClients(client);
        this.observer = observer;
    }

    public Mono<Void> proxy(DirectRoute route, HttpServerRequest request, HttpServerResponse response) {
        ObservedRequest observed = observer.start(route.id(), request, response); // [observe] tracing, access log
        return new DirectAttempts(clients, route, request, response, observed).run();
    }

    /**
     * Answers 403 for a mesh request its route's authorization does not allow, with the reason,
     * measured and observed like any other answer of the route.
     */
    public Mono<Void> deny(DirectRoute route, String identity, HttpServerRequest request, HttpServerResponse response) {
        long start = System.nanoTime();
        ObservedRequest observed = observer.start(route.id(), request, response); // [observe] tracing, access log
        String reason = route.authorizer().deny(identity);
        route.meters().record(HttpResponseStatus.FORBIDDEN.code(), System.nanoTime() - start);
        return plain(response, HttpResponseStatus.FORBIDDEN, reason).doFinally(observed::end); // [observe]
    }

    static Mono<Void> plain(HttpServerResponse response, HttpResponseStatus status, String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        return response.status(status)
                .header(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8")
                .header(HttpHeaderNames.CONTENT_LENGTH, String.valueOf(bytes.length))
                .sendByteArray(Mono.just(bytes))
                .then();
    }
}
