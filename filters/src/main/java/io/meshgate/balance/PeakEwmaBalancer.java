package io.meshgate.balance;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.random.RandomGenerator;

/**
 * The default policy: power of two choices on peak-EWMA cost, as in Finagle and Linkerd. Draws two
 * distinct endpoints at random and takes the one with the lower cost, where
 *
 * <pre>cost = latency estimate × (requests in flight + 1)</pre>
 *
 * <p><b>The latency estimate</b> is peak-sensitive and decays with a time constant (default 10 s, as
 * Linkerd and Finagle). A sample above the current estimate replaces it at once (a slow endpoint is
 * avoided from its first slow answer); otherwise the estimate decays towards zero, {@code e ×
 * exp(-elapsed / decay)}, so an endpoint that stopped being picked becomes cheap again and is tried
 * again (recovery is cautious: a 55 ms estimate takes about 13 s to look like 15 ms). That is what
 * Finagle's and Linkerd's peak EWMA compute in practice: both decay the estimate towards zero on every
 * load read and then blend a sample in with weight {@code 1 - exp(-Δ/decay)}, where Δ is the time
 * since that read, about one round trip, so the blend barely moves it. Here the estimate is the same
 * decaying peak in closed form: {@code max over samples of rtt × exp(-age / decay)}. That lets pick()
 * read it without writing (no lock, no shared write on the hot path) and lets a result below the
 * estimate, the common case, write nothing.
 *
 * <p><b>New endpoints</b> start at a default RTT (30 ms, Linkerd's), decaying like any estimate from
 * when the endpoint was first seen, so they take traffic as soon as their peers are loaded or the
 * default has decayed; their first real sample replaces the default whatever its value.
 *
 * <p><b>Failures</b> are penalised. Finagle times a failure like a success, and an endpoint that fails
 * fast (an instant 503, a refused connection) then looks fast and draws more traffic: a black hole.
 * Finagle's own penalty applies only to an endpoint with requests in flight and no latency history;
 * here that case is covered by the default RTT. So a failed attempt (connect error, reset, timeout,
 * or a status the upstream counts as a failure) is recorded as a sample of {@code max(measured,
 * failurePenalty × current estimate)} (default factor 2): each failure doubles the endpoint's cost,
 * which then decays as usual (a one-off failure costs the endpoint about decay × ln 2 ≈ 7 s of reduced
 * share while its peers have spare capacity). Outlier detection, separately, ejects endpoints that
 * keep failing.
 *
 * <p>Weights are ignored, as in Linkerd. Lock-free on pick: two random numbers, two sequence-locked
 * reads and at most one {@code exp} (the two costs are compared at a common time, so the decay to
 * "now" cancels out).
 */
public final class PeakEwmaBalancer implements Balancer {

    /** The estimate's decay time constant: 10 s, as in Linkerd and Finagle. */
    public static final Duration DEFAULT_DECAY = Duration.ofSeconds(10);

    /** The estimate of an endpoint before its first sample: 30 ms, as in Linkerd. */
    public static final Duration DEFAULT_RTT = Duration.ofMillis(30);

    /** A failure counts as a sample of at least this times the current estimate. */
    public static final double DEFAULT_FAILURE_PENALTY = 2.0;

    private final double decayNanos;
    private final double defaultRttNanos;
    private final double failurePenalty;
    private final RandomGenerator random;
    private final TwoRandomChoices.Preference cheaper;

    /** The defaults, with each calling thread's {@link ThreadLocalRandom}. */
    public PeakEwmaBalancer() {
        this(DEFAULT_DECAY, DEFAULT_RTT, DEFAULT_FAILURE_PENALTY, null);
    }

    /**
     * @param decay the estimate's decay time constant, positive
     * @param defaultRtt the estimate of an endpoint before its first sample, positive
     * @param failurePenalty a failure counts as a sample of at least this times the estimate; 1 or more
     *     (1: failures are timed like successes)
     * @param random the random source, or null for each calling thread's {@link ThreadLocalRandom}
     *     (tests pass a seeded one; it must be thread-safe if shared)
     */
    public PeakEwmaBalancer(Duration decay, Duration defaultRtt, double failurePenalty, RandomGenerator random) {
        if (decay.isNegative() || decay.isZero()) {
            throw new IllegalArgumentException("peak-EWMA decay must be positive, was " + decay);
        }
        if (defaultRtt.isNegative() || defaultRtt.isZero()) {
            throw new IllegalArgumentException("peak-EWMA default RTT must be positive, was " + defaultRtt);
        }
        if (!(failurePenalty >= 1)) {
            throw new IllegalArgumentException("peak-EWMA failure penalty must be 1 or more, was " + failurePenalty);
        }
        this.decayNanos = decay.toNanos();
        this.defaultRttNanos = defaultRtt.toNanos();
        this.failurePenalty = failurePenalty;
        this.random = random;
        this.cheaper = (candidate, other) -> EndpointStats.costsLess(candidate, other, decayNanos, defaultRttNanos);
    }

    @Override
    public EndpointStats pick(EndpointStats[] endpoints, long nowNanos) {
        return TwoRandomChoices.pick(endpoints, random, cheaper);
    }

    @Override
    public void observe(EndpointStats endpoint, long latencyNanos, boolean failed, long nowNanos) {
        endpoint.sample(
                Math.max(0, latencyNanos), nowNanos, decayNanos, defaultRttNanos, failed ? failurePenalty : 1.0);
    }

    /** The endpoint's latency estimate at {@code nowNanos}, in nanoseconds (for tests and admin views). */
    public double estimateNanos(EndpointStats endpoint, long nowNanos) {
        return endpoint.estimate(nowNanos, decayNanos, defaultRttNanos);
    }

    /** The endpoint's cost at {@code nowNanos}: estimate × (in flight + 1). */
    public double cost(EndpointStats endpoint, long nowNanos) {
        return endpoint.estimate(nowNanos, decayNanos, defaultRttNanos) * (endpoint.inFlight() + 1);
    }
}
