package io.meshgate.app.proxy;

import io.meshgate.app.observe.ObservedRequest;
import io.meshgate.balance.Endpoint;
import io.meshgate.balance.Lease;
import io.meshgate.retry.ReplayableBody;
import io.meshgate.retry.RetryPlan;
import io.meshgate.transport.EndpointClients;
import io.meshgate.transport.UpstreamClient;
import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.util.AsciiString;
import java.time.Duration;
import org.reactivestreams.Publisher;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Operators;
import reactor.netty.ByteBufFlux;
import reactor.netty.NettyOutbound;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.client.HttpClientRequest;
import reactor.netty.http.client.HttpClientResponse;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

/**
 * The attempts of one request on the direct path over Reactor Netty's client: the first to an
 * endpoint the upstream's balancer picks, each retry (by the route's {@link RetryPlan}: condition,
 * safe to repeat, attempts, deadline, budget) to an endpoint not tried yet after a backoff. The
 * bookkeeping (breaker, lease, observer, retry decision) is {@link RequestAttempts}, shared with the
 * HTTP/1.1 pass-through; this class sends, streams and answers. A retried attempt's response is
 * drained, never shown to the client.
 *
 * <p>It is a {@code Mono} itself: the step after an attempt ({@code attempt.then(this)}), which
 * starts the next attempt if the last one decided to retry and else completes. So the first attempt
 * costs this object and its {@link RequestAttempts} over a plain proxy; tried endpoints, a request
 * body kept for replay and the backoff timer exist only for requests that need them.
 */
final class DirectAttempts extends Mono<Void> {

    /** Answers up to this size leave with their head in one write ({@link #isSmallHttp1Body}). */
    static final int SINGLE_WRITE_MAX_BYTES = 16 * 1024;

    private static final AsciiString STRICT_TRANSPORT_SECURITY = AsciiString.cached("strict-transport-security");

    private final EndpointClients clients;
    private final DirectRoute route;
    private final RetryPlan plan;
    private final HttpServerRequest request;
    private final HttpServerResponse response;
    private final ObservedRequest observed; // [observe] tracing, access log
    private final RequestAttempts attempts;
    private final boolean debugAttempts;
    private boolean sendsBody;
    private ReplayableBody body; // null: no body, or a route that does not retry
    private Lease lease;

    DirectAttempts(
            EndpointClients clients,
            DirectRoute route,
            HttpServerRequest request,
            HttpServerResponse response,
            ObservedRequest observed) {
        this.clients = clients;
        this.observed = observed;
        this.route = route;
        this.plan = route.retry();
        this.request = request;
        this.response = response;
        this.attempts = new RequestAttempts(route, request.method().name(), observed);
        this.debugAttempts = RetryPlan.wantsAttempts(request.requestHeaders().get(RetryPlan.DEBUG_HEADER));
    }

    Mono<Void> run() {
        attempts.begin();
        sendsBody = hasBody(request);
        if (plan.enabled() && sendsBody) {
            body = new ReplayableBody(request.receive().retain(), plan.bufferBody());
        }
        Mono<Void> attempts = attempt().doOnCancel(this::cancelled);
        return (body == null ? attempts : attempts.doFinally(signal -> body.release()))
                .doFinally(observed::end); // [observe]
    }

    private Mono<Void> attempt() {
        Lease acquired = attempts.next();
        if (acquired == null) {
            return answer(HttpResponseStatus.SERVICE_UNAVAILABLE, attempts.refusal());
        }
        lease = acquired;
        Duration timeout =
                attempts.number() == 1 ? route.firstAttemptTimeout() : Duration.ofNanos(attempts.attemptTimeoutNanos());
        UpstreamClient own = acquired.pool().client(); // TLS, h2c, h2: the upstream's own client
        return sender(own, acquired.endpoint())
                .send((upstreamRequest, outbound) -> send(upstreamRequest, outbound, timeout))
                .response(this::respond)
                .onErrorResume(this::failed)
                .then(this);
    }

    /** The request to the endpoint: by its path on the endpoint's own client (an absolute URL costs a parse). */
    private HttpClient.RequestSender sender(UpstreamClient own, Endpoint endpoint) {
        String uri = request.uri();
        if (uri.startsWith("/")) {
            HttpMethod method = request.method();
            return (own == null ? clients.to(endpoint) : own.to(endpoint))
                    .request(method)
                    .uri(uri);
        }
        HttpClient http = own == null ? clients.base() : own.httpClient();
        return http.request(request.method()).uri(UpstreamClient.baseUrl(own, endpoint) + uri);
    }

    private Publisher<Void> send(HttpClientRequest upstreamRequest, NettyOutbound outbound, Duration timeout) {
        // Netty's read timeout on the upstream connection, scheduled on its event loop: the upstream
        // must start answering, and keep answering, within the attempt's timeout.
        upstreamRequest.responseTimeout(timeout);
        upstreamRequest.headers(request.requestHeaders());
        HttpHeaders headers = upstreamRequest.requestHeaders();
        HopByHopHeaders.remove(headers);
        // Host names the endpoint, as Spring Cloud Gateway sends it by default.
        headers.set(HttpHeaderNames.HOST, lease.endpoint().address());
        if (lease.pool().client() != null && GrpcTrailers.asksForTrailers(request.requestHeaders())) {
            // The one TE value HTTP/2 allows, which gRPC servers expect: the client can read trailers.
            headers.set(HttpHeaderNames.TE, HttpHeaderValues.TRAILERS);
        }
        attempts.observedAttempt().inject(headers); // [observe]
        if (sendsBody && !headers.contains(HttpHeaderNames.CONTENT_LENGTH)) {
            // Transfer-Encoding is hop-by-hop: a body of unknown length goes upstream chunked anew
            // (without it the upstream would read a request without a body).
            headers.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
        }
        if (body != null) {
            return outbound.send(body.attempt());
        }
        // Without a kept body only the first attempt reads the client's (a retry has none to send).
        return attempts.number() == 1 ? outbound.send(request.receive().retain()) : outbound;
    }

    private Publisher<Void> respond(HttpClientResponse upstreamResponse, ByteBufFlux upstreamBody) {
        int status = upstreamResponse.status().code();
        if (attempts.responded(status, body)) {
            return upstreamBody.then(); // drained: the buffers are released as they arrive
        }
        response.status(upstreamResponse.status());
        HttpHeaders headers = response.responseHeaders();
        // Headers meshgate set on the response before the upstream answered (HSTS,
        // io.meshgate.app.edge) win over the upstream's: kept across the copy, never doubled.
        String hsts = headers.get(STRICT_TRANSPORT_SECURITY);
        headers.set(upstreamResponse.responseHeaders());
        HopByHopHeaders.remove(headers);
        if (hsts != null) {
            headers.set(STRICT_TRANSPORT_SECURITY, hsts);
        }
        if (debugAttempts) {
            headers.set(RetryPlan.ATTEMPTS_HEADER, attempts.number());
        }
        if (upstreamResponse.version().majorVersion() == 2 && GrpcTrailers.isGrpc(headers)) {
            GrpcTrailers.forward(upstreamResponse, response);
        }
        Publisher<? extends ByteBuf> body = isSmallHttp1Body(upstreamResponse, headers)
                // As one buffer, Reactor Netty writes head and body in one call, not two.
                ? upstreamBody.aggregate().retain()
                : upstreamBody.retain();
        return response.send(body).then(Mono.fromRunnable(() -> attempts.record(status)));
    }

    /**
     * A body of at most {@link #SINGLE_WRITE_MAX_BYTES} by its {@code Content-Length} over HTTP/1.x:
     * kept until complete (nginx buffers answers too) so that it leaves with the head in one write,
     * a system call fewer per request. Streams, chunked and HTTP/2 answers pass through as they come.
     */
    private static boolean isSmallHttp1Body(HttpClientResponse upstreamResponse, HttpHeaders headers) {
        if (upstreamResponse.version().majorVersion() != 1) {
            return false;
        }
        String length = headers.get(HttpHeaderNames.CONTENT_LENGTH);
        if (length == null || length.isEmpty() || length.length() > 5) {
            return false;
        }
        int bytes = 0;
        for (int i = 0; i < length.length(); i++) {
            char c = length.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
            bytes = bytes * 10 + (c - '0');
        }
        return bytes <= SINGLE_WRITE_MAX_BYTES;
    }

    private Mono<Void> failed(Throwable error) {
        boolean started = response.hasSentHeaders();
        RequestAttempts.Failed failed = attempts.failed(error, started, body);
        if (started) {
            // The response is under way: all that is left is to cut it short, which the client sees.
            return Mono.error(error);
        }
        if (failed.retry()) {
            return Mono.empty();
        }
        return answer(HttpResponseStatus.valueOf(failed.status()), failed.body());
    }

    /** The step after an attempt: the next attempt after its backoff if one was decided, else done. */
    @Override
    public void subscribe(CoreSubscriber<? super Void> actual) {
        long delay = attempts.takeRetryDelayNanos();
        if (delay < 0) {
            Operators.complete(actual);
            return;
        }
        Mono<Void> next = Mono.defer(this::attempt);
        (delay == 0 ? next : Mono.delay(Duration.ofNanos(delay)).then(next)).subscribe(actual);
    }

    private void cancelled() {
        attempts.cancel();
    }

    private Mono<Void> answer(HttpResponseStatus status, String text) {
        attempts.record(status.code());
        if (debugAttempts) {
            response.header(RetryPlan.ATTEMPTS_HEADER, Integer.toString(attempts.number()));
        }
        return DirectProxy.plain(response, status, text);
    }

    /**
     * Whether the client sends a body: HTTP/1.1 says so in its headers; an HTTP/2 request without a
     * content-length may have one unless its method usually has none.
     */
    static boolean hasBody(HttpServerRequest request) {
        HttpHeaders headers = request.requestHeaders();
        String length = headers.get(HttpHeaderNames.CONTENT_LENGTH);
        if (length != null) {
            return !length.equals("0");
        }
        if (headers.contains(HttpHeaderNames.TRANSFER_ENCODING)) {
            return true;
        }
        if (request.version().majorVersion() < 2) {
            return false;
        }
        HttpMethod method = request.method();
        return method != HttpMethod.GET
                && method != HttpMethod.HEAD
                && method != HttpMethod.OPTIONS
                && method != HttpMethod.DELETE
                && method != HttpMethod.TRACE;
    }
}
