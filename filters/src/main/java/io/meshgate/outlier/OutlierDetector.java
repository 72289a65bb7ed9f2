package io.meshgate.outlier;

import java.time.Duration;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Passive outlier detection for one upstream, with Envoy's consecutive-failure semantics: the
 * results of real requests, not probes, take failing endpoints out of rotation for a time that grows
 * with repeated ejections. It decides; the upstream's pool holds each endpoint's {@link
 * EjectionState}, calls {@link #recordSuccess}/{@link #recordFailure} after every attempt, and calls
 * {@link #tryEject} and {@link #tryReturn} under its own lock (so at most one decision per upstream
 * runs at a time, and the ejected count it passes in is exact). Time is the pool's injected clock.
 *
 * <p>Ejections and returns are logged at INFO, one line each naming the upstream and the endpoint,
 * counted in {@link #ejections()} and {@link #returns()}, and told to the {@link OutlierListener}.
 */
public final class OutlierDetector {

    private static final Logger log = LoggerFactory.getLogger(OutlierDetector.class);

    private final String upstream;
    private final OutlierPolicy policy;
    private final OutlierListener listener;
    private final boolean[] failureStatus = new boolean[600];
    private final long baseNanos;
    private final long maxNanos;
    private final LongAdder ejections = new LongAdder();
    private final LongAdder returns = new LongAdder();
    private final LongAdder skipped = new LongAdder();

    public OutlierDetector(String upstream, OutlierPolicy policy, OutlierListener listener) {
        this.upstream = upstream;
        this.policy = policy;
        this.listener = listener == null ? OutlierListener.NONE : listener;
        policy.failureStatuses().forEach(status -> failureStatus[status] = true);
        this.baseNanos = policy.baseEjectionTime().toNanos();
        this.maxNanos = policy.maxEjectionTime().toNanos();
    }

    public String upstream() {
        return upstream;
    }

    public OutlierPolicy policy() {
        return policy;
    }

    /** Whether a response status counts as a failure under this policy. */
    public boolean isFailureStatus(int status) {
        return status >= 0 && status < failureStatus.length && failureStatus[status];
    }

    /** A successful attempt: the endpoint's run of failures ends. */
    public void recordSuccess(EjectionState state) {
        state.resetFailures();
    }

    /**
     * A failed attempt. Returns true when the endpoint has reached the threshold and is not ejected:
     * the caller then takes its lock and calls {@link #tryEject}. (Unlike Envoy, which tries only when
     * the run reaches the threshold exactly, every further failure tries again, so an endpoint kept
     * because of {@code maxEjectedPercent} is ejected as soon as room frees up.)
     */
    public boolean recordFailure(EjectionState state) {
        return state.incrementFailures() >= policy.consecutiveFailures() && !state.ejected();
    }

    /**
     * Whether one more ejection keeps the ejected share within {@code maxEjectedPercent}: Envoy's rule,
     * {@code (ejected + 1) / total <= maxEjectedPercent}; so one endpoint alone is never ejected at 50 %.
     */
    public boolean mayEject(int total, int ejected) {
        return total > 0 && (long) (ejected + 1) * 100 <= (long) policy.maxEjectedPercent() * total;
    }

    /**
     * Ejects the endpoint if it still qualifies and {@link #mayEject} allows it. Call under the
     * upstream's lock.
     *
     * @param endpoint the endpoint's address, for the log and the listener
     * @param total the upstream's endpoints
     * @param ejected how many of them are ejected now
     * @return true if the endpoint is now ejected
     */
    public boolean tryEject(EjectionState state, String endpoint, int total, int ejected, long nowNanos) {
        int failures = state.consecutiveFailures();
        if (state.ejected() || failures < policy.consecutiveFailures()) {
            return false;
        }
        if (!mayEject(total, ejected)) {
            skipped.increment();
            if (log.isDebugEnabled()) {
                log.debug(
                        "upstream '{}': endpoint {} failed {} times in a row but stays: {} of {} endpoints are"
                                + " ejected and maxEjectedPercent is {}",
                        upstream,
                        endpoint,
                        failures,
                        ejected,
                        total,
                        policy.maxEjectedPercent());
            }
            listener.ejectionSkipped(upstream, endpoint, failures);
            return false;
        }
        int times = state.eject(nowNanos, baseNanos, baseNanos, maxNanos);
        Duration duration = Duration.ofNanos(state.ejectedUntilNanos() - nowNanos);
        ejections.increment();
        log.info(
                "upstream '{}': ejected endpoint {} for {} after {} consecutive failures (ejection multiplier {},"
                        + " {} of {} endpoints ejected)",
                upstream,
                endpoint,
                duration,
                failures,
                times,
                ejected + 1,
                total);
        listener.ejected(upstream, endpoint, failures, duration);
        return true;
    }

    /**
     * Returns the endpoint to rotation if its ejection time is up. Call under the upstream's lock.
     *
     * @return true if it was ejected and now is not
     */
    public boolean tryReturn(EjectionState state, String endpoint, long nowNanos) {
        if (!state.ejected() || nowNanos - state.ejectedUntilNanos() < 0) {
            return false;
        }
        Duration ejectedFor = Duration.ofNanos(nowNanos - state.ejectedAtNanos());
        state.unEject(nowNanos);
        returns.increment();
        log.info("upstream '{}': endpoint {} returned to rotation after {} ejected", upstream, endpoint, ejectedFor);
        listener.returned(upstream, endpoint, ejectedFor);
        return true;
    }

    /**
     * Takes an endpoint out of detection when it leaves the upstream while ejected: counted as a return
     * so that ejections minus returns stays the number ejected now. Call under the upstream's lock.
     */
    public void forget(EjectionState state, String endpoint, long nowNanos) {
        if (state.ejected()) {
            state.unEject(nowNanos);
            returns.increment();
            log.info("upstream '{}': ejected endpoint {} left the upstream", upstream, endpoint);
        }
    }

    /** Ejections made since this detector was created. */
    public LongAdder ejections() {
        return ejections;
    }

    /** Returns to rotation (and ejected endpoints that left the upstream) since this detector was created. */
    public LongAdder returns() {
        return returns;
    }

    /** Times an endpoint reached the threshold but stayed because of {@code maxEjectedPercent}. */
    public LongAdder ejectionsSkipped() {
        return skipped;
    }
}
