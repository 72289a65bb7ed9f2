package io.meshgate.app.observe;

import io.meshgate.balance.Endpoint;
import io.meshgate.route.UpstreamRoutingFilter;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.cloud.gateway.filter.ReactiveLoadBalancerClientFilter;
import org.springframework.core.Ordered;
import org.springframework.http.HttpStatusCode;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * The upstream attempt on the Spring Cloud Gateway path: runs right after {@link
 * UpstreamRoutingFilter} has picked the endpoint and before Spring Cloud Gateway's HTTP client sends,
 * so each run of the rest of the chain (one per attempt, once retries re-run it) is one attempt. It
 * ends when the upstream's response headers arrive, as Spring Cloud Gateway's client then completes.
 * {@link TraceHeadersFilter} writes the attempt's context into the upstream request.
 */
final class AttemptObservingFilter implements GlobalFilter, Ordered {

    @Override
    public int getOrder() {
        return ReactiveLoadBalancerClientFilter.LOAD_BALANCER_CLIENT_FILTER_ORDER + 1;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
        ObservedRequest observed = exchange.getAttribute(ObservingWebFilter.ATTR);
        Endpoint endpoint = exchange.getAttribute(UpstreamRoutingFilter.ENDPOINT_ATTR);
        if (observed == null || endpoint == null) {
            return chain.filter(exchange);
        }
        String upstream = exchange.getAttribute(UpstreamRoutingFilter.UPSTREAM_ATTR);
        String retryReason = exchange.getAttribute(ObservedAttempt.RETRY_REASON_ATTR);
        ObservedAttempt attempt = observed.attempt(upstream, endpoint, observed.attempts() + 1, retryReason);
        exchange.getAttributes().put(ObservedAttempt.ATTR, attempt);
        return chain.filter(exchange)
                .doOnSuccess(done -> {
                    HttpStatusCode status = exchange.getResponse().getStatusCode();
                    attempt.responded(status == null ? 0 : status.value());
                })
                .doOnError(attempt::failed);
    }
}
