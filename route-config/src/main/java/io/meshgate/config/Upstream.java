package io.meshgate.config;

/**
 * A named pool of endpoints that routes send traffic to.
 *
 * @param name the key under {@code upstreams:}
 * @param source where the endpoints come from: a static list or a Kubernetes Service
 * @param location where the upstream is declared
 * @param retryBudget how many retries the upstream takes ({@link RetryBudgetPolicy#DEFAULT} if not written)
 * @param circuitBreaker the upstream's circuit breaker, or null for none
 */
public record Upstream(
        String name,
        UpstreamSource source,
        SourceLocation location,
        RetryBudgetPolicy retryBudget,
        CircuitBreakerPolicy circuitBreaker) {

    /** An upstream with the default retry budget and no circuit breaker. */
    public Upstream(String name, UpstreamSource source, SourceLocation location) {
        this(name, source, location, RetryBudgetPolicy.DEFAULT, null);
    }
}
