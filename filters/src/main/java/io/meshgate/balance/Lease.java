package io.meshgate.balance;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * One attempt's hold on an endpoint, from {@link UpstreamPool#acquire()} until its result is known.
 * The result flows back to the upstream exactly once: {@link #complete(int)} when the response headers
 * arrive, {@link #fail(FailureKind)} when the attempt ends without them, or {@link #cancel()} when it
 * is abandoned with no verdict (the client went away). Whichever comes first counts; later calls do
 * nothing and return false. Each of them ends the endpoint's in-flight count for this attempt.
 * Latency is measured from the acquire with the pool's clock. Thread-safe; the lease is the only
 * allocation of an attempt.
 */
public final class Lease {

    private static final VarHandle DONE;

    static {
        try {
            DONE = MethodHandles.lookup().findVarHandle(Lease.class, "done", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final UpstreamPool pool;
    private final EndpointStats stats;
    private final Endpoint endpoint;
    private final long startNanos;

    @SuppressWarnings("unused") // accessed through DONE
    private volatile int done;

    Lease(UpstreamPool pool, EndpointStats stats, long startNanos) {
        this.pool = pool;
        this.stats = stats;
        this.endpoint = stats.endpoint();
        this.startNanos = startNanos;
    }

    /** The endpoint to send the attempt to. */
    public Endpoint endpoint() {
        return endpoint;
    }

    /** The upstream that chose the endpoint: the failover upstream's when the primary had none healthy. */
    public UpstreamPool pool() {
        return pool;
    }

    /** The name of {@link #pool()}. */
    public String upstream() {
        return pool.name();
    }

    /** The endpoint's statistics. */
    public EndpointStats stats() {
        return stats;
    }

    /** When the attempt was acquired, in the pool's clock's nanoseconds. */
    public long startNanos() {
        return startNanos;
    }

    /** Whether the result has been given (or the lease cancelled). */
    public boolean isDone() {
        return done != 0;
    }

    /**
     * The response headers arrived with this status. Statuses the upstream's outlier policy lists
     * (default 500-599) count as failures.
     *
     * @return true if this call gave the lease's result, false if it had one already
     */
    public boolean complete(int status) {
        if (!DONE.compareAndSet(this, 0, 1)) {
            return false;
        }
        pool.finish(this, status, null);
        return true;
    }

    /**
     * The attempt ended without response headers.
     *
     * @return true if this call gave the lease's result, false if it had one already
     */
    public boolean fail(FailureKind kind) {
        if (!DONE.compareAndSet(this, 0, 1)) {
            return false;
        }
        pool.finish(this, 0, kind == null ? FailureKind.RESET : kind);
        return true;
    }

    /**
     * The attempt was abandoned before a verdict (say the client disconnected): the in-flight count is
     * released and nothing is learnt.
     *
     * @return true if this call ended the lease, false if it had ended already
     */
    public boolean cancel() {
        if (!DONE.compareAndSet(this, 0, 1)) {
            return false;
        }
        pool.cancelled(this);
        return true;
    }

    /** Ends a lease that was never an attempt ({@link UpstreamPool#pick()}): released, not recorded. */
    void discard() {
        if (DONE.compareAndSet(this, 0, 1)) {
            stats.released();
        }
    }

    @Override
    public String toString() {
        return "Lease[" + pool.name() + " " + endpoint.address() + (isDone() ? ", done]" : "]");
    }
}
