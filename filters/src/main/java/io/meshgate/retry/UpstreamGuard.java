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

    /**
     * Asks the circuit breaker, if there is one, to let an attempt through. The answer is the pool the
     * attempt goes to: this upstream's when the breaker admits it (a permission is then held; see
     * {@link #holdsPermission}) or when there is no breaker; the fallback's while the breaker is open;
     * null while it is open without a fallback (answer 503 with {@link #breakerOpenBody()}).
     */
    public UpstreamPool admit() {
        if (breaker == null || breaker.tryAcquire()) {
            return pool;
        }
        meters.breakerRejected().increment();
        return fallback;
    }

    /** Whether an attempt that {@link #admit()} sent to {@code admitted} holds a breaker permission. */
    public boolean holdsPermission(UpstreamPool admitted) {
        return breaker != null && admitted == pool;
    }

    /** The 503 body when the breaker is open and there is no fallback. */
    public String breakerOpenBody() {
        return "upstream '" + pool.name() + "': circuit breaker open\n";
    }
}
