package io.meshgate.app.observe;

import brave.Span;
import brave.propagation.TraceContextOrSamplingFlags;
import io.meshgate.app.accesslog.AccessLog;
import io.meshgate.app.tracing.ProxyTracing;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpRequest;
import java.net.InetSocketAddress;
import org.springframework.web.server.ServerWebExchange;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

/**
 * The request path's single entry to tracing and the access log: {@code start} at a request's
 * arrival returns the {@link ObservedRequest} whose hooks the path calls until its end. Either
 * feature may be off; with both off, {@code start} returns a shared instance that does nothing.
 */
public final class RequestObserver {

    /** Observes nothing; for callers built without tracing or an access log (tests, benchmarks). */
    public static final RequestObserver NONE = new RequestObserver(null, null);

    private final ProxyTracing tracing;
    private final AccessLog log;

    /**
     * @param tracing null when tracing is off
     * @param log null when the access log is off
     */
    public RequestObserver(ProxyTracing tracing, AccessLog log) {
        this.tracing = tracing;
        this.log = log;
    }

    /** A request of a direct-path route, at its arrival. */
    public ObservedRequest start(String route, HttpServerRequest request, HttpServerResponse response) {
        if (tracing == null && log == null) {
            return ObservedRequest.NOOP;
        }
        Span span = null;
        boolean replace = false;
        Channel tls = ConnectionTls.of(request);
        String identity = ConnectionTls.identity(tls);
        if (tracing != null) {
            TraceContextOrSamplingFlags extracted = tracing.extract(request.requestHeaders());
            replace = extracted != TraceContextOrSamplingFlags.EMPTY;
            span = tracing.startServer(extracted, request.method().name(), request.remoteAddress());
            ConnectionTls.tag(tracing, span, tls, identity);
        }
        return new DirectObservedRequest(tracing, log, span, replace, route, request, response, identity);
    }

    /**
     * A request of the HTTP/1.1 pass-through, at its arrival.
     *
     * @param connection the client's connection
     * @param tls whether it came over TLS
     * @param response what the pass-through sent, read when the request ends
     */
    public ObservedRequest start(
            String route, HttpRequest request, Channel connection, boolean tls, SentResponse response) {
        if (tracing == null && log == null) {
            return ObservedRequest.NOOP;
        }
        Span span = null;
        boolean replace = false;
        Channel tlsChannel = tls ? connection : null;
        String identity = ConnectionTls.identity(tlsChannel);
        InetSocketAddress client = connection.remoteAddress() instanceof InetSocketAddress inet ? inet : null;
        if (tracing != null) {
            TraceContextOrSamplingFlags extracted = tracing.extract(request.headers());
            replace = extracted != TraceContextOrSamplingFlags.EMPTY;
            span = tracing.startServer(extracted, request.method().name(), client);
            ConnectionTls.tag(tracing, span, tlsChannel, identity);
        }
        return new NettyObservedRequest(tracing, log, span, replace, route, request, client, response, identity);
    }

    /** A request that Spring WebFlux handles (through Spring Cloud Gateway), at its arrival. */
    public ObservedRequest start(ServerWebExchange exchange) {
        if (tracing == null && log == null) {
            return ObservedRequest.NOOP;
        }
        Span span = null;
        boolean replace = false;
        Channel tls = ConnectionTls.of(exchange.getRequest());
        String identity = ConnectionTls.identity(tls);
        if (tracing != null) {
            TraceContextOrSamplingFlags extracted =
                    tracing.extract(exchange.getRequest().getHeaders());
            replace = extracted != TraceContextOrSamplingFlags.EMPTY;
            span = tracing.startServer(
                    extracted,
                    exchange.getRequest().getMethod().name(),
                    exchange.getRequest().getRemoteAddress());
            ConnectionTls.tag(tracing, span, tls, identity);
        }
        return new ExchangeObservedRequest(tracing, log, span, replace, exchange, identity);
    }

    public boolean tracing() {
        return tracing != null;
    }

    public boolean accessLog() {
        return log != null;
    }
}
