package io.meshgate.balance;

import io.meshgate.outlier.EjectionState;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * What an upstream knows about one of its endpoints at run time: requests in flight, the latency
 * estimate, the outlier-detection state and the active health-check verdict. The {@link Endpoint}
 * record is the identity; this object is the mutable state beside it. The pool keeps one per address
 * and keeps it while the address stays in the endpoint set, so a rescaled Kubernetes Service does not
 * reset what is known about the endpoints that remain.
 *
 * <p>Reads never lock. The in-flight count is one atomic add per acquire and per release; the latency
 * estimate sits behind a sequence lock (readers retry if a write overlapped; writers, only when a
 * sample raises the estimate, take this object's monitor), so picking writes nothing.
 */
public final class EndpointStats {

    private static final VarHandle IN_FLIGHT;
    private static final VarHandle SEQ;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            IN_FLIGHT = lookup.findVarHandle(EndpointStats.class, "inFlight", int.class);
            SEQ = lookup.findVarHandle(EndpointStats.class, "seq", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final String address;
    private volatile Endpoint endpoint;
    private volatile int inFlight;
    private volatile boolean healthy = true;
    private final EjectionState ejection = new EjectionState();

    // The latency estimate (see PeakEwmaBalancer): a value in nanoseconds at a time. A sequence lock:
    // seq is odd while a writer (holding this object's monitor) changes the three fields after it.
    @SuppressWarnings("unused") // accessed through SEQ
    private volatile int seq;

    private double estimateNanos;
    private long estimateAt;
    private boolean measured;

    EndpointStats(Endpoint endpoint, long nowNanos) {
        this.address = endpoint.address();
        this.endpoint = endpoint;
        this.estimateAt = nowNanos;
    }

    /** Statistics for an endpoint outside any pool: for tests and benchmarks of a balancer alone. */
    public static EndpointStats of(Endpoint endpoint, long nowNanos) {
        return new EndpointStats(endpoint, nowNanos);
    }

    /** The endpoint as the endpoint set last listed it (its weight may change; its address does not). */
    public Endpoint endpoint() {
        return endpoint;
    }

    /** {@code host:port}: the identity by which statistics are kept across endpoint-set changes. */
    public String address() {
        return address;
    }

    /** Attempts acquired on this endpoint and not yet completed, failed or cancelled. */
    public int inFlight() {
        return inFlight;
    }

    /** False while active health checks find the endpoint unhealthy. */
    public boolean healthy() {
        return healthy;
    }

    /** Whether outlier detection has the endpoint ejected now. */
    public boolean ejected() {
        return ejection.ejected();
    }

    /** Outlier-detection state: consecutive failures, ejection multiplier, ejected until. */
    public EjectionState ejection() {
        return ejection;
    }

    /** Neither ejected nor failing active health checks. */
    public boolean available() {
        return healthy && !ejection.ejected();
    }

    @Override
    public String toString() {
        return address + " (in flight " + inFlight + (healthy ? "" : ", unhealthy")
                + (ejection.ejected() ? ", ejected" : "") + ")";
    }

    /** Takes over the latest record of this address; true if it differs (a new weight). */
    boolean endpoint(Endpoint latest) {
        if (latest.equals(endpoint)) {
            return false;
        }
        endpoint = latest;
        return true;
    }

    void healthy(boolean value) {
        healthy = value;
    }

    void acquired() {
        IN_FLIGHT.getAndAdd(this, 1);
    }

    void released() {
        IN_FLIGHT.getAndAdd(this, -1);
    }

    /**
     * Copies what was learnt about the same address in a previous pool: latency, health and, if the new
     * pool detects outliers, the ejection.
     */
    void copyFrom(EndpointStats previous, boolean ejection) {
        double e;
        long at;
        boolean m;
        synchronized (previous) {
            e = previous.estimateNanos;
            at = previous.estimateAt;
            m = previous.measured;
        }
        synchronized (this) {
            beginWrite();
            estimateNanos = e;
            estimateAt = at;
            measured = m;
            endWrite();
        }
        if (ejection) {
            this.ejection.copyFrom(previous.ejection);
        }
        healthy = previous.healthy;
    }

    /**
     * The latency estimate at {@code now}: the stored value decayed towards zero with time constant
     * {@code decayNanos}; before the first sample, {@code defaultNanos} decayed from when the endpoint
     * was first seen.
     */
    double estimate(long now, double decayNanos, double defaultNanos) {
        double value;
        long at;
        while (true) {
            int s = (int) SEQ.getAcquire(this);
            value = measured ? estimateNanos : defaultNanos;
            at = estimateAt;
            VarHandle.acquireFence();
            if ((s & 1) == 0 && s == (int) SEQ.getOpaque(this)) {
                break;
            }
            Thread.onSpinWait();
        }
        return decayed(value, now - at, decayNanos);
    }

    /**
     * Whether {@code b} costs less than {@code a}, cost being estimate × (in flight + 1), at any common
     * time: both estimates decay by the same factor to reach it, so only the difference of their
     * stamps matters, and the comparison takes one {@code exp} (none when the stamps are equal).
     */
    static boolean costsLess(EndpointStats b, EndpointStats a, double decayNanos, double defaultNanos) {
        double eb;
        long tb;
        while (true) {
            int s = (int) SEQ.getAcquire(b);
            eb = b.measured ? b.estimateNanos : defaultNanos;
            tb = b.estimateAt;
            VarHandle.acquireFence();
            if ((s & 1) == 0 && s == (int) SEQ.getOpaque(b)) {
                break;
            }
            Thread.onSpinWait();
        }
        double ea;
        long ta;
        while (true) {
            int s = (int) SEQ.getAcquire(a);
            ea = a.measured ? a.estimateNanos : defaultNanos;
            ta = a.estimateAt;
            VarHandle.acquireFence();
            if ((s & 1) == 0 && s == (int) SEQ.getOpaque(a)) {
                break;
            }
            Thread.onSpinWait();
        }
        double costB = eb * (b.inFlight + 1);
        double costA = ea * (a.inFlight + 1);
        long newer = ta - tb; // a's estimate is this much newer than b's: b has decayed that much more
        if (newer != 0) {
            costA *= Math.exp(Math.max(-700.0, Math.min(700.0, newer / decayNanos)));
        }
        return costB < costA;
    }

    /**
     * Records a latency sample: it replaces the estimate if it is the first sample or higher than the
     * current (decayed) estimate; a lower sample changes nothing. Writes only in the first two cases.
     */
    void sample(double sampleNanos, long now, double decayNanos, double defaultNanos, double failurePenalty) {
        double current = estimate(now, decayNanos, defaultNanos);
        double value = failurePenalty > 1 ? Math.max(sampleNanos, current * failurePenalty) : sampleNanos;
        if (value <= current && measuredNow()) {
            return;
        }
        synchronized (this) {
            double latest = decayed(measured ? estimateNanos : defaultNanos, now - estimateAt, decayNanos);
            if (!measured || value > latest) {
                beginWrite();
                estimateNanos = value;
                estimateAt = now;
                measured = true;
                endWrite();
            }
        }
    }

    private boolean measuredNow() {
        SEQ.getAcquire(this);
        return measured;
    }

    /** Under this object's monitor. */
    private void beginWrite() {
        SEQ.setOpaque(this, (int) SEQ.getOpaque(this) + 1);
        VarHandle.releaseFence();
    }

    /** Under this object's monitor. */
    private void endWrite() {
        SEQ.setRelease(this, (int) SEQ.getOpaque(this) + 1);
    }

    private static double decayed(double value, long elapsedNanos, double decayNanos) {
        return elapsedNanos <= 0 ? value : value * Math.exp(-elapsedNanos / decayNanos);
    }
}
