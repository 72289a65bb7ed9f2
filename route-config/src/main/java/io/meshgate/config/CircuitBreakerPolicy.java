package io.meshgate.config;

import java.time.Duration;

/**
 * A circuit breaker for an upstream (route-file key {@code circuitBreaker}), in Resilience4j's
 * terms and with its defaults, so a Spring Cloud Gateway user recognises every knob: when at least
 * {@code failureRateThreshold} percent of the last {@code slidingWindowSize} calls failed (and at
 * least {@code minimumNumberOfCalls} were made), the breaker opens and the upstream takes no calls
 * for {@code waitDurationInOpenState}; then {@code permittedNumberOfCallsInHalfOpenState} trial
 * calls decide whether it closes again. While it is open, calls go to {@code fallback} if set, else
 * fail at once with 503. Off unless written.
 *
 * @param failureRateThreshold percent of failed calls that opens the breaker, 1 to 100
 * @param slidingWindowSize how many recent calls the failure rate is computed over
 * @param minimumNumberOfCalls calls needed before the failure rate counts
 * @param waitDurationInOpenState how long the breaker stays open before trial calls
 * @param permittedNumberOfCallsInHalfOpenState how many trial calls decide whether to close
 * @param fallback the upstream that takes the calls while the breaker is open, or null
 * @param location where {@code circuitBreaker} is written
 */
public record CircuitBreakerPolicy(
        int failureRateThreshold,
        int slidingWindowSize,
        int minimumNumberOfCalls,
        Duration waitDurationInOpenState,
        int permittedNumberOfCallsInHalfOpenState,
        String fallback,
        SourceLocation location) {

    public static final int DEFAULT_FAILURE_RATE_THRESHOLD = 50;
    public static final int DEFAULT_SLIDING_WINDOW_SIZE = 100;
    public static final int DEFAULT_MINIMUM_NUMBER_OF_CALLS = 100;
    public static final Duration DEFAULT_WAIT_DURATION_IN_OPEN_STATE = Duration.ofSeconds(60);
    public static final int DEFAULT_PERMITTED_CALLS_IN_HALF_OPEN_STATE = 10;
}
