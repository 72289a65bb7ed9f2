package io.meshgate.retry;

import io.meshgate.balance.FailureKind;
import io.meshgate.config.RetryPolicy;
import io.meshgate.config.RetryPolicy.Condition;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * Whether a failed attempt may be retried, by a route's {@link RetryPolicy}: the failure must be one
 * the route retries, and repeating the request must be safe. It is safe when the request provably
 * never reached the upstream (the connection could not be made), or when the method is idempotent
 * (GET, HEAD, OPTIONS, PUT, DELETE, TRACE; RFC 9110 section 9.2.2) or opted in by the route. A POST
 * reset mid-way may have been processed: it is not retried unless the route says so.
 *
 * <p>Whether the attempt count, the deadline, the retry budget and the body allow another attempt is
 * for the caller to check; this class only judges the failure. Built once per route; every method is
 * a few field reads and no allocation.
 */
public final class RetryConditions {

    private static final int MAX_STATUS = 600;

    private final boolean enabled;
    private final boolean onConnectFailure;
    private final boolean onReset;
    private final boolean onPerTryTimeout;
    private final boolean[] statuses = new boolean[MAX_STATUS];
    private final Set<String> repeatable;

    public RetryConditions(RetryPolicy policy) {
        this.enabled = policy.enabled();
        this.onConnectFailure = policy.on().contains(Condition.CONNECT_FAILURE);
        this.onReset = policy.on().contains(Condition.RESET);
        this.onPerTryTimeout = policy.on().contains(Condition.PER_TRY_TIMEOUT);
        for (int status : policy.statuses()) {
            if (status >= 0 && status < MAX_STATUS) {
                statuses[status] = true;
            }
        }
        Set<String> methods = new HashSet<>(RetryPolicy.IDEMPOTENT_METHODS);
        for (String method : policy.methods()) {
            methods.add(method.toUpperCase(Locale.ROOT));
        }
        this.repeatable = Set.copyOf(methods);
    }

    /** Whether the route retries at all (more than one attempt). */
    public boolean enabled() {
        return enabled;
    }

    /**
     * Whether a request of this method may be sent again after it reached the upstream: idempotent or
     * opted in. Method names are case-sensitive (RFC 9110), as servers get them.
     */
    public boolean repeatable(String method) {
        return repeatable.contains(method);
    }

    /**
     * Whether an attempt that ended without a response may be retried.
     *
     * @param method the request method
     * @param failure why the attempt ended
     * @param requestSent whether any of the request may have reached the upstream: false only when it
     *     provably did not (no connection, or a pooled connection found closed before writing); a
     *     {@link FailureKind#CONNECT} failure is never sent, whatever this says
     */
    public boolean retries(String method, FailureKind failure, boolean requestSent) {
        if (!enabled) {
            return false;
        }
        return switch (failure) {
            case CONNECT -> onConnectFailure;
            case RESET -> onReset && (!requestSent || repeatable(method));
            case TIMEOUT -> onPerTryTimeout && (!requestSent || repeatable(method));
        };
    }

    /** Whether an attempt answered with {@code status} may be retried (the request reached the upstream). */
    public boolean retries(String method, int status) {
        return enabled && retriesStatus(status) && repeatable(method);
    }

    /** Whether the route lists the status for retry, whatever the method. */
    public boolean retriesStatus(int status) {
        return status >= 0 && status < MAX_STATUS && statuses[status];
    }
}
