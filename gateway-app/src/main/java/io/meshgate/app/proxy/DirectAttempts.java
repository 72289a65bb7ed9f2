package io.meshgate.app.proxy;

import io.meshgate.app.observe.ObservedAttempt;
import io.meshgate.app.observe.ObservedRequest;
import io.meshgate.balance.Endpoint;
import io.meshgate.balance.FailureKind;
import io.meshgate.balance.Lease;
import io.meshgate.balance.UpstreamPool;
import io.meshgate.retry.ReplayableBody;
import io.meshgate.retry.RetryPlan;
import io.meshgate.retry.RetryReason;
import io.meshgate.retry.TriedEndpoints;
import io.meshgate.retry.UpstreamGuard;
import io.meshgate.route.UpstreamFailure;
import io.meshgate.transport.EndpointClients;
import io.meshgate.transport.UpstreamClient;
import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.timeout.ReadTimeoutException;
import io.netty.util.AsciiString;
import java.time.Duration;
import org.reactivestreams.Publisher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
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
 * The attempts of one request on the direct path: the first to an endpoint the upstream's balancer
 * picks, each retry (by the route's {@link RetryPlan}: condition, safe to repeat, attempts, deadline,
 * budget) to an endpoint not tried yet after a backoff. Each attempt asks the upstream's circuit
 * breaker first (open: the fallback upstream, or 503 at once) and reports its result to the lease
 * and the breaker. A retried attempt's response is drained, never shown to the client.
 *
 * <p>It is a {@code Mono} itself: the step after an attempt ({@code attempt.then(this)}), which
 * starts the next attempt if the last one decided to retry and else completes. So the first attempt
 * costs this one object over a plain proxy; tried endpoints, a request body kept for replay and the
 * backoff timer exist only for requests that need them.
 */
final class DirectAttempts extends Mono<Void> {

    private static final Logger log = LoggerFactory.getLogger(DirectAttempts.class);
    /** Answers up to this size leave with their head in one write ({@link #isSmallHttp1Body}). */
    static final int SINGLE_WRITE_MAX_BYTES = 16 * 1024;

    private static final AsciiString STRICT_TRANSPORT_SECURITY = AsciiString.cached("strict-transport-security");

    private final EndpointClients clients;
    private final DirectRoute route;
    private final RetryPlan plan;
    private final HttpServerRequest request;
    private final HttpServerResponse response;
    private final ObservedRequest observed; // [observe] tracing, access log
    private ObservedAttempt observedAttempt; // [observe] the current attempt's client span
    private RetryReason retryReason; // why the current attempt is a retry (null for the first)
    private final long start;
    private UpstreamGuard guard;
    private final boolean debugAttempts;
    private boolean sendsBody;
    private ReplayableBody body; // null: no body, or a route that does not retry
    private TriedEndpoints tried; // made at the first retry
    private int attempt;
    private Lease lease;
    private boolean breakerHeld; // a breaker permission awaits its report
    private long attemptTimeoutNanos;
    private long retryDelayNanos = -1;

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
        this.start = System.nanoTime();
        this.debugAttempts = RetryPlan.wantsAttempts(request.requestHeaders().get(RetryPlan.DEBUG_HEADER));
    }

    Mono<Void> run() {
        guard = plan.guard(route.backends().pick());
        sendsBody = hasBody(request);
        if (plan.enabled()) {
            guard.budget().deposit();
            if (sendsBody) {
                body = new ReplayableBody(request.receive().retain(), plan.bufferBody());
            }
        }
        Mono<Void> attempts = attempt().doOnCancel(this::cancelled);
        return (body == null ? attempts : attempts.doFinally(signal -> body.release()))
                .doFinally(observed::end); // [observe]
    }

    private Mono<Void> attempt() {
        attempt++;
        UpstreamPool pool = guard.admit();
        if (pool == null) {
            return answer(HttpResponseStatus.SERVICE_UNAVAILABLE, guard.breakerOpenBody());
        }
        breakerHeld = guard.holdsPermission(pool);
        Lease acquired = attempt == 1 ? pool.acquire() : pool.acquire(tried);
        if (acquired == null) {
            observed.upstream(pool.name()); // [observe]
            releaseBreaker();
            return answer(
                    HttpResponseStatus.SERVICE_UNAVAILABLE, "upstream '" + pool.name() + "' has no ready endpoints\n");
        }
        lease = acquired;
        observedAttempt = observed.attempt( // [observe] client span
                acquired.upstream(), acquired.endpoint(), attempt, retryReason == null ? null : retryReason.label());
        Duration timeout;
        if (attempt == 1) {
            timeout = route.firstAttemptTimeout();
            attemptTimeoutNanos = timeout.toNanos();
        } else {
            attemptTimeoutNanos = plan.attemptTimeoutNanos(System.nanoTime(), start + plan.timeoutNanos());
            timeout = Duration.ofNanos(attemptTimeoutNanos);
        }
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
        observedAttempt.inject(headers); // [observe]
        if (sendsBody && !headers.contains(HttpHeaderNames.CONTENT_LENGTH)) {
            // Transfer-Encoding is hop-by-hop: a body of unknown length goes upstream chunked anew
            // (without it the upstream would read a request without a body).
            headers.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
        }
        if (body != null) {
            return outbound.send(body.attempt());
        }
        // Without a kept body only the first attempt reads the client's (a retry has none to send).
        return attempt == 1 ? outbound.send(request.receive().retain()) : outbound;
    }

    private Publisher<Void> respond(HttpClientResponse upstreamResponse, ByteBufFlux upstreamBody) {
        int status = upstreamResponse.status().code();
        lease.complete(status);
        observedAttempt.responded(status); // [observe]
        if (breakerHeld) {
            breakerHeld = false;
            guard.breaker().onResponse(status, System.nanoTime() - lease.startNanos());
        }
        if (plan.conditions().retries(request.method().name(), status) && mayRetry(RetryReason.STATUS)) {
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
            headers.set(RetryPlan.ATTEMPTS_HEADER, attempt);
        }
        if (upstreamResponse.version().majorVersion() == 2 && GrpcTrailers.isGrpc(headers)) {
            GrpcTrailers.forward(upstreamResponse, response);
        }
        Publisher<? extends ByteBuf> body = isSmallHttp1Body(upstreamResponse, headers)
                // As one buffer, Reactor Netty writes head and body in one call, not two.
                ? upstreamBody.aggregate().retain()
                : upstreamBody.retain();
        return response.send(body)
                .then(Mono.fromRunnable(() -> route.meters().record(status, System.nanoTime() - start)));
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
        boolean perTryTimeout = error instanceof ReadTimeoutException && plan.perTryTimeoutFired(attemptTimeoutNanos);
        UpstreamFailure failure = perTryTimeout
                ? UpstreamFailure.perTryTimeout(attemptTimeoutNanos / 1_000_000)
                : UpstreamFailure.of(error, route.timeout().toMillis());
        FailureKind kind = failure.kind();
        lease.fail(kind);
        observedAttempt.failed(error); // [observe]
        if (breakerHeld) {
            breakerHeld = false;
            guard.breaker().onFailure(kind, System.nanoTime() - lease.startNanos());
        }
        String endpoint = lease.endpoint().address();
        if (response.hasSentHeaders()) {
            // The response is under way: all that is left is to cut it short, which the client sees.
            route.meters().record(failure.status().value(), System.nanoTime() - start);
            log.debug(
                    "Route {} upstream {} endpoint {} failed mid-response: {}",
                    route.id(),
                    lease.upstream(),
                    endpoint,
                    error.toString());
            return Mono.error(error);
        }
        // A connect failure never sent a byte; anything else may have reached the upstream.
        boolean sent = kind != FailureKind.CONNECT;
        if ((kind != FailureKind.TIMEOUT || perTryTimeout)
                && plan.conditions().retries(request.method().name(), kind, sent)
                && mayRetry(RetryReason.of(kind))) {
            return Mono.empty();
        }
        return answer(HttpResponseStatus.valueOf(failure.status().value()), failure.body(lease.upstream(), endpoint));
    }

    /** Decides whether to retry (the backoff is then kept for {@link #subscribe}) and remembers the endpoint. */
    private boolean mayRetry(RetryReason reason) {
        long delay = plan.retryDelayNanos(attempt, System.nanoTime(), start + plan.timeoutNanos(), guard, reason, body);
        if (delay < 0) {
            return false;
        }
        if (tried == null) {
            tried = new TriedEndpoints(plan.attempts());
        }
        tried.add(lease.endpoint());
        retryReason = reason;
        retryDelayNanos = delay;
        return true;
    }

    /** The step after an attempt: the next attempt after its backoff if one was decided, else done. */
    @Override
    public void subscribe(CoreSubscriber<? super Void> actual) {
        long delay = retryDelayNanos;
        if (delay < 0) {
            Operators.complete(actual);
            return;
        }
        retryDelayNanos = -1;
        Mono<Void> next = Mono.defer(this::attempt);
        (delay == 0 ? next : Mono.delay(Duration.ofNanos(delay)).then(next)).subscribe(actual);
    }

    private void cancelled() {
        Lease current = lease;
        if (current != null) {
            current.cancel();
        }
        releaseBreaker();
    }

    private void releaseBreaker() {
        if (breakerHeld) {
            breakerHeld = false;
            guard.breaker().releasePermission();
        }
    }

    private Mono<Void> answer(HttpResponseStatus status, String text) {
        route.meters().record(status.code(), System.nanoTime() - start);
        if (debugAttempts) {
            response.header(RetryPlan.ATTEMPTS_HEADER, Integer.toString(attempt));
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
