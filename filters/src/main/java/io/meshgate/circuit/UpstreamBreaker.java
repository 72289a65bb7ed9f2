package io.meshgate.circuit;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.meshgate.balance.FailureKind;
import io.meshgate.config.CircuitBreakerPolicy;
import java.time.Clock;
import java.util.concurrent.TimeUnit;

/**
 * The circuit breaker of one upstream: a Resilience4j {@link CircuitBreaker} configured from the
 * route file's {@link CircuitBreakerPolicy} (count-based sliding window). Per attempt the proxy asks
 * {@link #tryAcquire()}; if refused it sends the attempt to {@link #fallback()} or answers 503 at
 * once, else it reports exactly one of {@link #onResponse}, {@link #onFailure} or {@link
 * #releasePermission()}. Failures are connect failures, resets, timeouts and 5xx responses, as for
 * outlier detection.
 *
 * <p><b>Cost</b>: Resilience4j's count-based window is a lock-free ring; a report allocates nothing
 * here (failures are recorded with one preallocated exception without a stack trace).
 */
public final class UpstreamBreaker {

    /** What a failed attempt is recorded as: Resilience4j counts throwables. Shared, stackless. */
    static final class UpstreamFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UpstreamFailure(String message) {
            super(message, null, false, false);
        }
    }

    private static final UpstreamFailure CONNECT = new UpstreamFailure("connect failure");
    private static final UpstreamFailure RESET = new UpstreamFailure("reset");
    private static final UpstreamFailure TIMEOUT = new UpstreamFailure("timeout");
    private static final UpstreamFailure STATUS_5XX = new UpstreamFailure("5xx response");

    private final String upstream;
    private final CircuitBreakerPolicy policy;
    private final CircuitBreaker breaker;

    /**
     * @param clock the clock the open state waits on; tests pass one they move
     */
    public UpstreamBreaker(String upstream, CircuitBreakerPolicy policy, Clock clock) {
        this.upstream = upstream;
        this.policy = policy;
        CircuitBreakerConfig config = CircuitBreakerConfig.custom()
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(policy.slidingWindowSize())
                .minimumNumberOfCalls(policy.minimumNumberOfCalls())
                .failureRateThreshold(policy.failureRateThreshold())
                .waitDurationInOpenState(policy.waitDurationInOpenState())
                .permittedNumberOfCallsInHalfOpenState(policy.permittedNumberOfCallsInHalfOpenState())
                .writableStackTraceEnabled(false)
                .clock(clock)
                .build();
        this.breaker = CircuitBreaker.of(upstream, config);
    }

    /**
     * Whether an attempt may go to the upstream now: true while closed, for the trial calls while
     * half-open, false while open. A true must be followed by exactly one report.
     */
    public boolean tryAcquire() {
        return breaker.tryAcquirePermission();
    }

    /** The attempt got response headers with this status; 5xx counts as a failure. */
    public void onResponse(int status, long durationNanos) {
        if (status >= 500 && status <= 599) {
            breaker.onError(durationNanos, TimeUnit.NANOSECONDS, STATUS_5XX);
        } else {
            breaker.onSuccess(durationNanos, TimeUnit.NANOSECONDS);
        }
    }

    /** The attempt ended without a response. */
    public void onFailure(FailureKind kind, long durationNanos) {
        UpstreamFailure failure =
                switch (kind) {
                    case CONNECT -> CONNECT;
                    case RESET -> RESET;
                    case TIMEOUT -> TIMEOUT;
                };
        breaker.onError(durationNanos, TimeUnit.NANOSECONDS, failure);
    }

    /** The attempt was abandoned without a verdict (the client left): its permission is returned. */
    public void releasePermission() {
        breaker.releasePermission();
    }

    /** The upstream that takes the attempts while the breaker is open, or null (then 503). */
    public String fallback() {
        return policy.fallback();
    }

    public String upstream() {
        return upstream;
    }

    public CircuitBreakerPolicy policy() {
        return policy;
    }

    /** CLOSED, OPEN, HALF_OPEN (Resilience4j's states). */
    public CircuitBreaker.State state() {
        return breaker.getState();
    }

    /** The Resilience4j breaker, for metrics (resilience4j-micrometer) and the admin view. */
    public CircuitBreaker circuitBreaker() {
        return breaker;
    }

    @Override
    public String toString() {
        return "UpstreamBreaker[" + upstream + ", " + breaker.getState() + "]";
    }
}
