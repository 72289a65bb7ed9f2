package io.meshgate.app.proxy;

import io.meshgate.app.observe.ObservedAttempt;
import io.meshgate.app.observe.ObservedRequest;
import io.meshgate.app.observe.RequestObserver;
import io.meshgate.balance.Endpoint;
import io.meshgate.balance.Lease;
import io.meshgate.balance.UpstreamPool;
import io.meshgate.route.UpstreamFailure;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

/**
 * Proxies a request of a filter-less route straight from Reactor Netty's server to its client: the
 * request's headers are copied once into the upstream request, the response's once into the
 * client's, bodies stream through without copies. This skips Spring WebFlux's exchange and Spring
 * Cloud Gateway's filter chain, which cost about half of the request path's CPU, while keeping
 * meshgate's behaviour: weighted backends, the upstream's balancer fed with each attempt's result, the route timeout (504), a 503
 * naming an upstream without endpoints or a refused connection, per-route metrics.
 */
public final class DirectProxy {

    private static final Logger log = LoggerFactory.getLogger(DirectProxy.class);

    private final HttpClient client;
    private final RequestObserver observer;

    public DirectProxy(HttpClient client) {
        this(client, RequestObserver.NONE);
    }

    public DirectProxy(HttpClient client, RequestObserver observer) {
        this.client = client;
        this.observer = observer;
    }

    public Mono<Void> proxy(DirectRoute route, HttpServerRequest request, HttpServerResponse response) {
        long start = System.nanoTime();
        ObservedRequest observed = observer.start(route.id(), request, response); // [observe] tracing, access log
        UpstreamPool upstream = route.backends().pick();
        Lease lease = upstream.acquire();
        if (lease == null) {
            route.meters().record(503, System.nanoTime() - start);
            observed.upstream(upstream.name()); // [observe]
            return plain(
                            response,
                            HttpResponseStatus.SERVICE_UNAVAILABLE,
                            "upstream '" + upstream.name() + "' has no ready endpoints\n")
                    .doFinally(observed::end); // [observe]
        }
        Endpoint endpoint = lease.endpoint();
        ObservedAttempt attempt = observed.attempt(lease.upstream(), endpoint, 1, null); // [observe] client span
        return client.request(request.method())
                .uri(endpoint.baseUrl() + request.uri())
                .send((upstreamRequest, outbound) -> {
                    // Netty's read timeout on the upstream connection, scheduled on its event loop: the
                    // upstream must start answering, and keep answering, within the route timeout.
                    upstreamRequest.responseTimeout(route.timeout());
                    upstreamRequest.headers(request.requestHeaders());
                    io.netty.handler.codec.http.HttpHeaders headers = upstreamRequest.requestHeaders();
                    HopByHopHeaders.remove(headers);
                    // Host names the endpoint, as Spring Cloud Gateway sends it by default.
                    headers.set(HttpHeaderNames.HOST, endpoint.address());
                    attempt.inject(headers); // [observe] traceparent / b3 to the upstream
                    return outbound.send(request.receive().retain());
                })
                .response((upstreamResponse, body) -> {
                    int status = upstreamResponse.status().code();
                    lease.complete(status);
                    attempt.responded(status); // [observe]
                    response.status(upstreamResponse.status());
                    io.netty.handler.codec.http.HttpHeaders headers = response.responseHeaders();
                    headers.set(upstreamResponse.responseHeaders());
                    HopByHopHeaders.remove(headers);
                    return response.send(body.retain())
                            .then(Mono.fromRunnable(() -> route.meters().record(status, System.nanoTime() - start)));
                })
                .then()
                .doOnCancel(lease::cancel)
                .onErrorResume(error -> {
                    attempt.failed(error); // [observe]
                    return failed(route, lease, response, error, start);
                })
                .doFinally(observed::end); // [observe]
    }

    private static Mono<Void> failed(
            DirectRoute route, Lease lease, HttpServerResponse response, Throwable error, long start) {
        UpstreamFailure failure = UpstreamFailure.of(error, route.timeout().toMillis());
        lease.fail(failure.kind());
        route.meters().record(failure.status().value(), System.nanoTime() - start);
        String endpoint = lease.endpoint().address();
        if (response.hasSentHeaders()) {
            // The response is under way: all that is left is to cut it short, which the client sees.
            log.debug(
                    "Route {} upstream {} endpoint {} failed mid-response: {}",
                    route.id(),
                    lease.upstream(),
                    endpoint,
                    error.toString());
            return Mono.error(error);
        }
        return plain(
                response,
                HttpResponseStatus.valueOf(failure.status().value()),
                failure.body(lease.upstream(), endpoint));
    }

    private static Mono<Void> plain(HttpServerResponse response, HttpResponseStatus status, String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        return response.status(status)
                .header(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8")
                .header(HttpHeaderNames.CONTENT_LENGTH, String.valueOf(bytes.length))
                .sendByteArray(Mono.just(bytes))
                .then();
    }
}
