package io.meshgate.retry;

import io.meshgate.balance.UpstreamPool;
import io.meshgate.config.RetryPolicy;
import java.time.Duration;
import java.util.Map;

/**
 * A route's retries, compiled once per configuration for both request paths: its policy, conditions
 * and backoff, its deadline (the route timeout, bounding all attempts and backoffs together) and the
 * {@link UpstreamGuard}s of its upstreams. {@link #retryDelayNanos} is the one decision both attempt
 * loops make after a retryable failure: attempts left, body replayable, deadline not too near, budget.
 */
public final class RetryPlan {

    /** Request header asking for debug response headers; {@code attempts} asks for the attempt count. */
    public static final String DEBUG_HEADER = "x-meshgate-debug";

    /** Response header with the number of attempts made, when the client asked with {@link #DEBUG_HEADER}. */
    public static final String ATTEMPTS_HEADER = "x-meshgate-attempts";

    /**
     * An attempt whose next step would start this close to the deadline is not retried: it could not
     * get an answer in time anyway.
     */
    static final long MIN_ATTEMPT_NANOS = Duration.ofMillis(1).toNanos();

    private final RetryPolicy policy;
    private final RetryConditions conditions;
    private final Backoff backoff;
    private final long timeoutNanos;
    private final long perTryTimeoutNanos;
    private final Map<String, UpstreamGuard> guards;

    /**
     * @param guards the guards of the configuration's upstreams by name (at least the route's)
     */
    public RetryPlan(RetryPolicy policy, Duration timeout, Map<String, UpstreamGuard> guards) {
        this.policy = policy;
        this.conditions = new RetryConditions(policy);
        this.backoff = Backoff.of(policy);
        this.timeoutNanos = timeout.toNanos();
        this.perTryTimeoutNanos = policy.perTryTimeout() == null
                ? Long.MAX_VALUE
                : policy.perTryTimeout().toNanos();
        this.guards = Map.copyOf(guards);
    }

    public RetryPolicy policy() {
        return policy;
    }

    public RetryConditions conditions() {
        return conditions;
    }

    /** Whether the route makes more than one attempt. */
    public boolean enabled() {
        return conditions.enabled();
    }

    public int attempts() {
        return policy.attempts();
    }

    /** The route timeout: the deadline of all attempts together, from the request's start. */
    public long timeoutNanos() {
        return timeoutNanos;
    }

    /** The per-try timeout, or {@link Long#MAX_VALUE} when only the deadline bounds an attempt. */
    public long perTryTimeoutNanos() {
        return perTryTimeoutNanos;
    }

    /** The most bytes of a request body kept for a retry. */
    public long bufferBody() {
        return policy.bufferBody();
    }

    /** The guard of the upstream a pool belongs to (the route's backends always have one). */
    public UpstreamGuard guard(UpstreamPool pool) {
        return guards.get(pool.name());
    }

    /**
     * How long the next attempt may wait for its response: the per-try timeout, or what is left of the
     * deadline if that is less.
     *
     * @return nanoseconds, at least 1
     */
    public long attemptTimeoutNanos(long nowNanos, long deadlineNanos) {
        return Math.max(1, Math.min(perTryTimeoutNanos, deadlineNanos - nowNanos));
    }

    /** Whether an attempt with this timeout ended by the per-try timeout rather than by the deadline. */
    public boolean perTryTimeoutFired(long attemptTimeoutNanos) {
        return attemptTimeoutNanos == perTryTimeoutNanos;
    }

    /**
     * After attempt {@code attempt} failed in a way the route retries (the caller checked {@link
     * #conditions()}): whether another attempt may go ahead, and after what backoff. It may when
     * attempts are left, the body can be sent again, the backoff ends before the deadline, and the
     * upstream's budget has a retry (withdrawn here). A retry allowed is counted by reason, a retry the
     * budget refused as exhausted.
     *
     * @param body the request's replayable body, or null for a request without one
     * @return the backoff in nanoseconds before the next attempt, or -1 to answer with this failure
     */
    public long retryDelayNanos(
            int attempt,
            long nowNanos,
            long deadlineNanos,
            UpstreamGuard guard,
            RetryReason reason,
            ReplayableBody body) {
        if (attempt >= policy.attempts() || (body != null && !body.replayable())) {
            return -1;
        }
        long delay = backoff.delayNanos(attempt);
        if (deadlineNanos - nowNanos - delay < MIN_ATTEMPT_NANOS) {
            return -1;
        }
        if (!guard.budget().tryWithdraw()) {
            guard.meters().budgetExhausted().increment();
            return -1;
        }
        guard.meters().retries(reason).increment();
        return delay;
    }

    /** Whether a request's debug header asks for the attempt count. */
    public static boolean wantsAttempts(String debugHeader) {
        return debugHeader != null && debugHeader.contains("attempts");
    }
}
