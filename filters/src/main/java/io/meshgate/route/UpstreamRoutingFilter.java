package io.meshgate.route;

import static org.springframework.cloud.gateway.support.ServerWebExchangeUtils.GATEWAY_REQUEST_URL_ATTR;

import io.meshgate.balance.Endpoint;
import io.meshgate.balance.Lease;
import io.meshgate.balance.UpstreamPool;
import io.meshgate.retry.RetryPlan;
import io.meshgate.retry.UpstreamGuard;
import io.meshgate.split.WeightedSplit;
import io.meshgate.transport.UpstreamClient;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.springframework.cloud.gateway.filter.GatewayFilter;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.ReactiveLoadBalancerClientFilter;
import org.springframework.core.Ordered;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * The last meshgate step before Spring Cloud Gateway's HTTP client: picks the backend upstream by
 * weight, acquires an endpoint from the upstream's balancer, points the request at it, and reports the
 * attempt's result (status, latency, connect error, reset, timeout) back to the upstream. It runs where
 * Spring Cloud LoadBalancer's filter would, after the route's own filters have rewritten the path.
 * With a {@link RetryPlan} the attempts, retries and circuit breaker are {@link RetryingRouting}'s.
 */
public final class UpstreamRoutingFilter implements GatewayFilter, Ordered {

    /** Exchange attribute holding the chosen {@link UpstreamPool}'s name. */
    public static final String UPSTREAM_ATTR = "meshgate.upstream";

    /** Exchange attribute: why the attempt being routed is a retry (absent for the first). */
    public static final String RETRY_REASON_ATTR = "meshgate.retryReason";

    /** Exchange attribute holding the chosen {@link Endpoint}. */
    public static final String ENDPOINT_ATTR = "meshgate.endpoint";

    /**
     * Exchange attribute holding the {@link UpstreamClient} of the chosen upstream, absent for plain
     * HTTP/1.1 upstreams (which use the shared client).
     */
    public static final String CLIENT_ATTR = "meshgate.upstreamClient";

    private final WeightedSplit<UpstreamPool> backends;
    private final long timeoutMillis;
    private final RetryPlan retry;

    /**
     * A filter without retries or circuit breakers: one attempt per request.
     *
     * @param backends the route's weighted upstreams
     * @param timeoutMillis the route timeout, named in the 504 body
     */
    public UpstreamRoutingFilter(WeightedSplit<UpstreamPool> backends, long timeoutMillis) {
        this(backends, timeoutMillis, null);
    }

    /**
     * @param backends the route's weighted upstreams
     * @param timeoutMillis the route timeout, named in the 504 body
     * @param retry the route's retries and its upstreams' budgets and breakers ({@link RetryingRouting}),
     *     or null for one attempt per request
     */
    public UpstreamRoutingFilter(WeightedSplit<UpstreamPool> backends, long timeoutMillis, RetryPlan retry) {
        this.backends = backends;
        this.timeoutMillis = timeoutMillis;
        this.retry = retry;
    }

    long timeoutMillis() {
        return timeoutMillis;
    }

    @Override
    public int getOrder() {
        return ReactiveLoadBalancerClientFilter.LOAD_BALANCER_CLIENT_FILTER_ORDER;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
        UpstreamPool upstream = backends.pick();
        if (retry != null) {
            UpstreamGuard guard = retry.guard(upstream);
            if (retry.enabled() || guard.breaker() != null) {
                return new RetryingRouting(this, retry, guard, exchange, chain).run();
            }
        }
        Lease lease = upstream.acquire();
        if (lease == null) {
            exchange.getAttributes().put(UPSTREAM_ATTR, upstream.name());
            return noReadyEndpoints(exchange.getResponse(), upstream.name());
        }
        URI merged = exchange.getRequiredAttribute(GATEWAY_REQUEST_URL_ATTR);
        pointAt(exchange, lease, merged);
        // Spring Cloud Gateway's routing filter completes when the response headers have arrived (the
        // body is written later, by a filter before this one): that is the attempt's result.
        return chain.filter(exchange)
                .doOnSuccess(done -> completed(exchange, lease))
                .doOnCancel(lease::cancel)
                .onErrorResume(error -> failed(exchange, lease, error));
    }

    private static void completed(ServerWebExchange exchange, Lease lease) {
        HttpStatusCode status = exchange.getResponse().getStatusCode();
        if (status == null) {
            lease.cancel();
        } else {
            lease.complete(status.value());
        }
    }

    private Mono<Void> failed(ServerWebExchange exchange, Lease lease, Throwable error) {
        UpstreamFailure failure = UpstreamFailure.of(error, timeoutMillis);
        lease.fail(failure.kind());
        ServerHttpResponse response = exchange.getResponse();
        if (response.isCommitted()) {
            return Mono.error(error);
        }
        return plain(
                response,
                failure.status(),
                failure.body(lease.upstream(), lease.endpoint().address()));
    }

    /**
     * Points the exchange at the lease's endpoint: its upstream (the failover's when the chosen one had
     * no healthy endpoint), endpoint, client (for upstreams with their own) and URL.
     */
    static void pointAt(ServerWebExchange exchange, Lease lease, URI merged) {
        Map<String, Object> attributes = exchange.getAttributes();
        attributes.put(UPSTREAM_ATTR, lease.upstream());
        Endpoint endpoint = lease.endpoint();
        attributes.put(ENDPOINT_ATTR, endpoint);
        UpstreamClient client = lease.pool().client();
        if (client != null) {
            attributes.put(CLIENT_ATTR, client);
        } else {
            attributes.remove(CLIENT_ATTR); // a retry may have moved to a plain upstream
        }
        attributes.put(GATEWAY_REQUEST_URL_ATTR, target(UpstreamClient.baseUrl(client, endpoint), merged));
    }

    /** The endpoint's base URL plus the request's raw (still encoded) path and query. */
    static URI target(Endpoint endpoint, URI merged) {
        return target(endpoint.baseUrl(), merged);
    }

    /** The base URL plus the request's raw (still encoded) path and query. */
    static URI target(String baseUrl, URI merged) {
        String path = merged.getRawPath();
        String query = merged.getRawQuery();
        int length = baseUrl.length() + (path == null ? 1 : path.length()) + (query == null ? 0 : query.length() + 1);
        StringBuilder url = new StringBuilder(length).append(baseUrl);
        url.append(path == null || path.isEmpty() ? "/" : path);
        if (query != null) {
            url.append('?').append(query);
        }
        return URI.create(url.toString());
    }

    private static Mono<Void> noReadyEndpoints(ServerHttpResponse response, String upstream) {
        return plain(response, HttpStatus.SERVICE_UNAVAILABLE, "upstream '" + upstream + "' has no ready endpoints\n");
    }

    static Mono<Void> plain(ServerHttpResponse response, HttpStatus status, String text) {
        response.setStatusCode(status);
        response.getHeaders().setContentType(MediaType.TEXT_PLAIN);
        byte[] body = text.getBytes(StandardCharsets.UTF_8);
        return response.writeWith(Mono.just(response.bufferFactory().wrap(body)));
    }
}
