package io.meshgate.retry;

import io.meshgate.config.RetryPolicy;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.random.RandomGenerator;

/**
 * Exponential backoff with full jitter (AWS Architecture Blog, "Exponential Backoff and Jitter"):
 * before retry {@code n} wait a uniformly random time from 0 to {@code min(max, base × 2^(n-1))}.
 * Full jitter spreads the retries of many clients that failed together, so they do not hit the
 * upstream again in step. Immutable and thread-safe; one instance per route.
 */
public final class Backoff {

    private final long baseNanos;
    private final long maxNanos;
    private final RandomGenerator random;

    /**
     * @param random the random source, or null for each calling thread's {@link ThreadLocalRandom};
     *     tests pass a seeded or fixed one
     * @throws IllegalArgumentException if base is negative or max is less than base
     */
    public Backoff(Duration base, Duration max, RandomGenerator random) {
        if (base.isNegative() || max.compareTo(base) < 0) {
            throw new IllegalArgumentException("backoff needs 0 <= base <= max, got base " + base + ", max " + max);
        }
        this.baseNanos = base.toNanos();
        this.maxNanos = max.toNanos();
        this.random = random;
    }

    /** The backoff of a route's retry policy, with thread-local randomness. */
    public static Backoff of(RetryPolicy policy) {
        return new Backoff(policy.backoffBase(), policy.backoffMax(), null);
    }

    /**
     * The upper bound of the wait before retry {@code retry}: {@code min(max, base × 2^(retry-1))}.
     *
     * @param retry 1 for the first retry (the second attempt), 2 for the next, ...
     */
    public long capNanos(int retry) {
        if (retry < 1) {
            throw new IllegalArgumentException("retry numbers start at 1, got " + retry);
        }
        int shift = retry - 1;
        // base << shift overflows (or passes max) long before shift reaches 63
        if (shift >= 62 || baseNanos > (maxNanos >> shift)) {
            return maxNanos;
        }
        return Math.min(maxNanos, baseNanos << shift);
    }

    /** How long to wait before retry {@code retry} (1 for the first), in nanoseconds: random in [0, cap]. */
    public long delayNanos(int retry) {
        long cap = capNanos(retry);
        if (cap == 0) {
            return 0;
        }
        RandomGenerator r = random != null ? random : ThreadLocalRandom.current();
        return r.nextLong(cap + 1);
    }

    /** {@link #delayNanos(int)} as a duration, for {@code Mono.delay}. */
    public Duration delay(int retry) {
        return Duration.ofNanos(delayNanos(retry));
    }

    @Override
    public String toString() {
        return "Backoff[base " + Duration.ofNanos(baseNanos) + ", max " + Duration.ofNanos(maxNanos) + "]";
    }
}
