package io.meshgate.config;

/**
 * A named pool of endpoints that routes send traffic to.
 *
 * @param name the key under {@code upstreams:}
 * @param source where the endpoints come from: a static list or a Kubernetes Service
 * @param policy how endpoints are chosen and failing ones handled
 * @param location where the upstream is declared
 * @param retryBudget how many retries the upstream takes ({@link RetryBudgetPolicy#DEFAULT} if not written)
 * @param circuitBreaker the upstream's circuit breaker, or null for none
 * @param transport the HTTP version and TLS to the endpoints ({@link UpstreamTransport#PLAIN} if not written)
 */
public record Upstream(
        String name,
        UpstreamSource source,
        UpstreamPolicy policy,
        SourceLocation location,
        RetryBudgetPolicy retryBudget,
        CircuitBreakerPolicy circuitBreaker,
        UpstreamTransport transport) {

    /** An upstream over plain HTTP/1.1. */
    public Upstream(
            String name,
            UpstreamSource source,
            UpstreamPolicy policy,
            SourceLocation location,
            RetryBudgetPolicy retryBudget,
            CircuitBreakerPolicy circuitBreaker) {
        this(name, source, policy, location, retryBudget, circuitBreaker, UpstreamTransport.PLAIN);
    }

    /** An upstream with the default policy and retry budget, and no circuit breaker. */
    public Upstream(String name, UpstreamSource source, SourceLocation location) {
        this(name, source, UpstreamPolicy.DEFAULTS, location, RetryBudgetPolicy.DEFAULT, null);
    }
}
