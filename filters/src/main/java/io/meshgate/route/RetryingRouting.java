package io.meshgate.route;

import static org.springframework.cloud.gateway.support.ServerWebExchangeUtils.CLIENT_RESPONSE_ATTR;
import static org.springframework.cloud.gateway.support.ServerWebExchangeUtils.CLIENT_RESPONSE_CONN_ATTR;
import static org.springframework.cloud.gateway.support.ServerWebExchangeUtils.GATEWAY_REQUEST_URL_ATTR;

import io.meshgate.balance.FailureKind;
import io.meshgate.balance.Lease;
import io.meshgate.balance.UpstreamPool;
import io.meshgate.retry.ReplayableBody;
import io.meshgate.retry.RetryPlan;
import io.meshgate.retry.RetryReason;
import io.meshgate.retry.TriedEndpoints;
import io.meshgate.retry.UpstreamGuard;
import java.net.URI;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.NettyDataBufferFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.Connection;

/**
 * The attempts of one request on the Spring Cloud Gateway path, as Spring Cloud Gateway's own retry
 * filter makes them: the rest of the chain (its routing filter) is subscribed again per attempt after
 * resetting the exchange. That works before anything reaches the client because the routing filter
 * only sets the status and headers when the upstream answers; the body is written by {@code
 * NettyWriteResponseFilter} after this chain completed. So an attempt answered with a retryable
 * status is seen here, its upstream connection is closed (which drops its body) and the next attempt
 * starts, with the route's {@link RetryPlan}: condition, safe to repeat, another endpoint, backoff,
 * deadline, budget, circuit breaker. A request body is sent again from a {@link ReplayableBody}
 * (bounded by {@code bufferBody}).
 */
final class RetryingRouting {

    /** Methods whose requests carry no body unless their headers say so. */
    private static final Set<String> BODILESS = Set.of("GET", "HEAD", "OPTIONS", "DELETE", "TRACE");

    /** The end of an attempt's own timeout (per-try or the rest of the deadline); stackless, shared. */
    static final class AttemptTimeout extends TimeoutException {
        private static final long serialVersionUID = 1L;

        AttemptTimeout() {
            super("attempt timeout");
        }

        @Override
        public synchronized Throwable fillInStackTrace() {
            return this;
        }
    }

    private static final AttemptTimeout ATTEMPT_TIMEOUT = new AttemptTimeout();

    private final UpstreamRoutingFilter filter;
    private final RetryPlan plan;
    private final UpstreamGuard guard;
    private final GatewayFilterChain chain;
    private final URI merged;
    private final long start = System.nanoTime();
    private final boolean debugAttempts;
    private final String method;
    private ServerWebExchange exchange;
    private ReplayableBody body;
    private TriedEndpoints tried;
    private int attempt;
    private Lease lease;
    private boolean breakerHeld;
    private long attemptTimeoutNanos;
    private long retryDelayNanos;

    RetryingRouting(
            UpstreamRoutingFilter filter,
            RetryPlan plan,
            UpstreamGuard guard,
            ServerWebExchange exchange,
            GatewayFilterChain chain) {
        this.filter = filter;
        this.plan = plan;
        this.guard = guard;
        this.exchange = exchange;
        this.chain = chain;
        this.merged = exchange.getRequiredAttribute(GATEWAY_REQUEST_URL_ATTR);
        ServerHttpRequest request = exchange.getRequest();
        this.method = request.getMethod().name();
        this.debugAttempts = RetryPlan.wantsAttempts(request.getHeaders().getFirst(RetryPlan.DEBUG_HEADER));
    }

    Mono<Void> run() {
        if (plan.enabled()) {
            guard.budget().deposit();
            ServerHttpRequest request = exchange.getRequest();
            if (hasBody(request)) {
                ReplayableBody replayable = ReplayableBody.ofDataBuffers(request.getBody(), plan.bufferBody());
                body = replayable;
                NettyDataBufferFactory factory = nettyFactory(exchange);
                // Each getBody() (one per attempt, by the routing filter) asks for the body anew.
                exchange = exchange.mutate()
                        .request(new ServerHttpRequestDecorator(request) {
                            @Override
                            public Flux<DataBuffer> getBody() {
                                return replayable.attempt(factory);
                            }
                        })
                        .build();
            }
        }
        Mono<Void> attempts = attempt().doOnCancel(this::cancelled);
        return body == null ? attempts : attempts.doFinally(signal -> body.release());
    }

    private static ServerHttpRequest withBody(ServerHttpRequest request, Flux<DataBuffer> body) {
        return new ServerHttpRequestDecorator(request) {
            @Override
            public Flux<DataBuffer> getBody() {
                return body;
            }
        };
    }

    private static NettyDataBufferFactory nettyFactory(ServerWebExchange exchange) {
        return exchange.getResponse().bufferFactory() instanceof NettyDataBufferFactory netty
                ? netty
                : new NettyDataBufferFactory(io.netty.buffer.ByteBufAllocator.DEFAULT);
    }

    private Mono<Void> attempt() {
        attempt++;
        UpstreamPool pool = guard.admit();
        if (pool == null) {
            return answer(HttpStatus.SERVICE_UNAVAILABLE, guard.breakerOpenBody());
        }
        breakerHeld = guard.holdsPermission(pool);
        Lease acquired = attempt == 1 ? pool.acquire() : pool.acquire(tried);
        if (acquired == null) {
            releaseBreaker();
            exchange.getAttributes().put(UpstreamRoutingFilter.UPSTREAM_ATTR, pool.name());
            return answer(HttpStatus.SERVICE_UNAVAILABLE, "upstream '" + pool.name() + "' has no ready endpoints\n");
        }
        lease = acquired;
        UpstreamRoutingFilter.pointAt(exchange, acquired, merged);
        attemptTimeoutNanos = attempt == 1
                ? Math.min(plan.perTryTimeoutNanos(), plan.timeoutNanos())
                : plan.attemptTimeoutNanos(System.nanoTime(), start + plan.timeoutNanos());
        Mono<Void> routed = chain.filter(exchange);
        // The routing filter bounds an attempt by the route timeout; a shorter bound (the per-try
        // timeout, or what a retry has left of the deadline) is this filter's.
        if (attemptTimeoutNanos < plan.timeoutNanos()) {
            routed = routed.timeout(Duration.ofNanos(attemptTimeoutNanos), Mono.error(ATTEMPT_TIMEOUT));
        }
        return routed.then(Mono.defer(this::answered)).onErrorResume(this::failed);
    }

    /** The routing filter completed: the upstream's status and headers are set, nothing is written yet. */
    private Mono<Void> answered() {
        ServerHttpResponse response = exchange.getResponse();
        HttpStatusCode status = response.getStatusCode();
        if (status == null) {
            lease.cancel();
            releaseBreaker();
            return Mono.empty();
        }
        int code = status.value();
        lease.complete(code);
        if (breakerHeld) {
            breakerHeld = false;
            guard.breaker().onResponse(code, System.nanoTime() - lease.startNanos());
        }
        if (plan.conditions().retries(method, code) && !response.isCommitted() && mayRetry(RetryReason.STATUS)) {
            return retry();
        }
        if (debugAttempts) {
            response.getHeaders().set(RetryPlan.ATTEMPTS_HEADER, Integer.toString(attempt));
        }
        return Mono.empty();
    }

    private Mono<Void> failed(Throwable error) {
        if (error instanceof RetryFailed) {
            return Mono.error(error.getCause());
        }
        boolean ownTimeout = error == ATTEMPT_TIMEOUT;
        boolean perTryTimeout = ownTimeout && plan.perTryTimeoutFired(attemptTimeoutNanos);
        UpstreamFailure failure = perTryTimeout
                ? UpstreamFailure.perTryTimeout(attemptTimeoutNanos / 1_000_000)
                : UpstreamFailure.of(error, filter.timeoutMillis());
        FailureKind kind = failure.kind();
        lease.fail(kind);
        if (breakerHeld) {
            breakerHeld = false;
            guard.breaker().onFailure(kind, System.nanoTime() - lease.startNanos());
        }
        ServerHttpResponse response = exchange.getResponse();
        if (response.isCommitted()) {
            return Mono.error(error);
        }
        boolean sent = kind != FailureKind.CONNECT;
        if ((kind != FailureKind.TIMEOUT || perTryTimeout)
                && plan.conditions().retries(method, kind, sent)
                && mayRetry(RetryReason.of(kind))) {
            return retry();
        }
        return answer(
                failure.status(),
                failure.body(lease.upstream(), lease.endpoint().address()));
    }

    private boolean mayRetry(RetryReason reason) {
        long delay = plan.retryDelayNanos(attempt, System.nanoTime(), start + plan.timeoutNanos(), guard, reason, body);
        if (delay < 0) {
            return false;
        }
        if (tried == null) {
            tried = new TriedEndpoints(plan.attempts());
        }
        tried.add(lease.endpoint());
        // For the attempt's observer (a client span's retry reason), which runs after this filter.
        exchange.getAttributes().put(UpstreamRoutingFilter.RETRY_REASON_ATTR, reason.label());
        retryDelayNanos = delay;
        return true;
    }

    /** Resets the exchange as Spring Cloud Gateway's retry filter does, then the next attempt after the backoff. */
    private Mono<Void> retry() {
        Connection connection = exchange.getAttribute(CLIENT_RESPONSE_CONN_ATTR);
        if (connection != null) {
            // Closing drops the failed response's body, unread; the next attempt opens or reuses another.
            connection.dispose();
            exchange.getAttributes().remove(CLIENT_RESPONSE_CONN_ATTR);
        }
        exchange.getAttributes().remove(CLIENT_RESPONSE_ATTR);
        ServerWebExchangeUtils.reset(exchange);
        exchange.getResponse().setStatusCode(null);
        if (body == null && attempt == 1) {
            // The first attempt read the client's (empty) body; a retry has none to send.
            exchange = exchange.mutate()
                    .request(withBody(exchange.getRequest(), Flux.empty()))
                    .build();
        }
        Mono<Void> next = Mono.defer(this::attempt).onErrorMap(RetryFailed::new);
        long delay = retryDelayNanos;
        return delay == 0 ? next : Mono.delay(Duration.ofNanos(delay)).then(next);
    }

    /**
     * An error of a later attempt, passed through the earlier attempts' error handlers untouched
     * (each attempt handles its own failure once).
     */
    static final class RetryFailed extends RuntimeException {
        private static final long serialVersionUID = 1L;

        RetryFailed(Throwable cause) {
            super(cause.getMessage(), cause, false, false);
        }
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

    private Mono<Void> answer(HttpStatus status, String text) {
        ServerHttpResponse response = exchange.getResponse();
        if (debugAttempts) {
            response.getHeaders().set(RetryPlan.ATTEMPTS_HEADER, Integer.toString(attempt));
        }
        return UpstreamRoutingFilter.plain(response, status, text);
    }

    /** Whether the client sends a body: its headers say so, or its method usually has one. */
    static boolean hasBody(ServerHttpRequest request) {
        HttpHeaders headers = request.getHeaders();
        long length = headers.getContentLength();
        if (length >= 0) {
            return length > 0;
        }
        return headers.containsHeader(HttpHeaders.TRANSFER_ENCODING)
                || !BODILESS.contains(request.getMethod().name());
    }
}
