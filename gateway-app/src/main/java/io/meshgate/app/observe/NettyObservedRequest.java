package io.meshgate.app.observe;

import brave.Span;
import io.meshgate.app.accesslog.AccessLog;
import io.meshgate.app.tracing.ProxyTracing;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import java.net.InetSocketAddress;
import reactor.core.publisher.SignalType;

/** A request of the HTTP/1.1 pass-through: read from Netty's decoded request and the path's response. */
final class NettyObservedRequest extends ObservedRequest {

    private final HttpRequest request;
    private final String uri; // kept: the pass-through may rewrite the request's headers, not its target
    private final InetSocketAddress client;
    private final SentResponse response;

    NettyObservedRequest(
            ProxyTracing tracing,
            AccessLog log,
            Span span,
            boolean replacePropagation,
            String route,
            HttpRequest request,
            InetSocketAddress client,
            SentResponse response,
            String identity) {
        super(tracing, log, span, replacePropagation, request.method().name(), route, identity);
        this.request = request;
        this.uri = request.uri();
        this.client = client;
        this.response = response;
    }

    @Override
    int finalStatus(SignalType signal, Throwable error) {
        if (!response.headSent()) {
            // Nothing went out: the client left (499) or the path failed before answering.
            return signal == SignalType.CANCEL ? 499 : 500;
        }
        return response.status();
    }

    @Override
    String finalResponseLength() {
        return response.contentLength();
    }

    @Override
    public String uri() {
        return uri;
    }

    @Override
    public String requestLength() {
        return request.headers().get(HttpHeaderNames.CONTENT_LENGTH);
    }

    @Override
    public InetSocketAddress client() {
        return client;
    }
}
