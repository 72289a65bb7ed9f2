package io.meshgate.app.observe;

import brave.Span;
import io.meshgate.app.accesslog.AccessLog;
import io.meshgate.app.tracing.ProxyTracing;
import io.netty.handler.codec.http.HttpHeaderNames;
import java.net.InetSocketAddress;
import reactor.core.publisher.SignalType;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

/** A request on the direct path: read from Reactor Netty's request and response. */
final class DirectObservedRequest extends ObservedRequest {

    private final HttpServerRequest request;
    private final HttpServerResponse response;

    DirectObservedRequest(
            ProxyTracing tracing,
            AccessLog log,
            Span span,
            boolean replacePropagation,
            String route,
            HttpServerRequest request,
            HttpServerResponse response,
            String identity) {
        super(tracing, log, span, replacePropagation, request.method().name(), route, identity);
        this.request = request;
        this.response = response;
    }

    @Override
    int finalStatus(SignalType signal, Throwable error) {
        if (!response.hasSentHeaders()) {
            // Nothing went out: Reactor Netty answers an error with 500; a cancel means the client left.
            if (signal == SignalType.CANCEL) {
                return 499;
            }
            if (signal == SignalType.ON_ERROR) {
                return 500;
            }
        }
        return response.status().code();
    }

    @Override
    String finalResponseLength() {
        return response.responseHeaders().get(HttpHeaderNames.CONTENT_LENGTH);
    }

    @Override
    public String uri() {
        return request.uri();
    }

    @Override
    public String requestLength() {
        return request.requestHeaders().get(HttpHeaderNames.CONTENT_LENGTH);
    }

    @Override
    public InetSocketAddress client() {
        return request.remoteAddress();
    }
}
