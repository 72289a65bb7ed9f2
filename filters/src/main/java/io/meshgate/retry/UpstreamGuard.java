package io.meshgate.retry;

import io.meshgate.balance.UpstreamPool;
import io.meshgate.circuit.UpstreamBreaker;

/**
 * What the attempt loop needs of one upstream in one configuration: its pool, its retry budget, its
 * circuit breaker (null: none) with the fallback pool (null: answer 503 while open), and its
 * counters. Built when a configuration is compiled; read per request.
 */
public record UpstreamGuard(
        UpstreamPool pool, RetryBudget budget, UpstreamBreaker breaker, UpstreamPool fallback, RetryMeters meters) {

    /** An upstream with the default budget, no breaker and unregistered counters (tests). */
    public static UpstreamGuard unguarded(UpstreamPool pool) {
        return new UpstreamGuard(
                pool,
                new RetryBudget(io.meshgate.config.RetryBudgetPolicy.DEFAULT),
                null,
                null,
                RetryMeters.unregistered(pool.name()));
    }

    public String name() {
        return pool.name();
    }

    /** The 503 body when the breaker is open and there is no fallback. */
    public String breakerOpenBody() {
        return "upstream '" + pool.name() + "': circuit breaker open\n";
    }
}
