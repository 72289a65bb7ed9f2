package io.meshgate.outlier;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * One endpoint's outlier-detection state: its run of consecutive failures and whether, since when
 * and until when it is ejected. It lives beside the endpoint's other statistics and is kept while the
 * endpoint stays in its upstream, across endpoint-set changes. Read anywhere without locks; changed
 * only through {@link OutlierDetector}.
 */
public final class EjectionState {

    private static final VarHandle FAILURES;

    static {
        try {
            FAILURES = MethodHandles.lookup().findVarHandle(EjectionState.class, "consecutiveFailures", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private volatile int consecutiveFailures;
    private volatile boolean ejected;
    private volatile long ejectedAt;
    private volatile long ejectedUntil;
    // Written under the upstream's lock (OutlierDetector.tryEject / tryReturn), so plain fields.
    private int ejections;
    private long returnedAt;
    private boolean everReturned;

    /** Failed attempts in a row since the last success, ejection or return. */
    public int consecutiveFailures() {
        return consecutiveFailures;
    }

    public boolean ejected() {
        return ejected;
    }

    /** When the current ejection ends, in the clock's nanoseconds; meaningless unless {@link #ejected()}. */
    public long ejectedUntilNanos() {
        return ejectedUntil;
    }

    /** The ejection-time multiplier: times ejected, less one per base ejection time spent in rotation. */
    public int ejections() {
        return ejections;
    }

    /** Copies another state (of the same endpoint in a previous configuration); the run is not copied. */
    public void copyFrom(EjectionState other) {
        ejected = other.ejected;
        ejectedAt = other.ejectedAt;
        ejectedUntil = other.ejectedUntil;
        ejections = other.ejections;
        returnedAt = other.returnedAt;
        everReturned = other.everReturned;
    }

    int incrementFailures() {
        return (int) FAILURES.getAndAdd(this, 1) + 1;
    }

    void resetFailures() {
        // Read first: a success on a healthy endpoint then writes nothing (no shared cache-line write).
        if (consecutiveFailures != 0) {
            consecutiveFailures = 0;
        }
    }

    /** Returns the new multiplier. */
    int eject(long now, long decayNanos, long durationFor1, long maxDuration) {
        if (everReturned && ejections > 0) {
            // One step back per base ejection time spent in rotation since the last return.
            long good = (now - returnedAt) / decayNanos;
            ejections = (int) Math.max(0, ejections - Math.min(good, Integer.MAX_VALUE));
        }
        ejections++;
        long duration =
                durationFor1 > maxDuration / ejections ? maxDuration : Math.min(maxDuration, durationFor1 * ejections);
        ejectedAt = now;
        ejectedUntil = now + duration;
        consecutiveFailures = 0;
        ejected = true;
        return ejections;
    }

    long ejectedAtNanos() {
        return ejectedAt;
    }

    void unEject(long now) {
        ejected = false;
        returnedAt = now;
        everReturned = true;
        consecutiveFailures = 0;
    }
}
