package io.meshgate.config;

import java.time.Duration;

/**
 * How many retries an upstream takes (route-file key {@code retryBudget}), as in Linkerd: retries
 * may add at most {@code percent} of the requests of the last {@code window} plus {@code
 * minPerSecond} per second. Beyond it a failed attempt is returned to the client as it is. Every
 * upstream has one ({@link #DEFAULT} when not written): a whole upstream failing then costs at most
 * a fifth more attempts, not three times as many.
 *
 * @param percent retries allowed per 100 requests, 0 to 1000
 * @param minPerSecond retries allowed per second whatever the volume, so that a quiet upstream can
 *     still retry
 * @param window how far back requests and retries are counted
 * @param location where {@code retryBudget} is written, or unknown for the default
 */
public record RetryBudgetPolicy(int percent, int minPerSecond, Duration window, SourceLocation location) {

    public static final int DEFAULT_PERCENT = 20;
    public static final int DEFAULT_MIN_PER_SECOND = 10;
    public static final Duration DEFAULT_WINDOW = Duration.ofSeconds(10);

    /** The budget of an upstream without {@code retryBudget}. */
    public static final RetryBudgetPolicy DEFAULT = new RetryBudgetPolicy(
            DEFAULT_PERCENT, DEFAULT_MIN_PER_SECOND, DEFAULT_WINDOW, SourceLocation.unknown("(default)"));
}
