package io.meshgate.app.proxy;

import io.meshgate.app.observe.ObservedAttempt;
import io.meshgate.app.observe.ObservedRequest;
import io.meshgate.balance.FailureKind;
import io.meshgate.balance.Lease;
import io.meshgate.balance.UpstreamPool;
import io.meshgate.retry.ReplayableBody;
import io.meshgate.retry.RetryPlan;
import io.meshgate.retry.RetryReason;
import io.meshgate.retry.TriedEndpoints;
import io.meshgate.retry.UpstreamGuard;
import io.meshgate.route.UpstreamFailure;
import io.netty.handler.timeout.ReadTimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bookkeeping of one request's upstream attempts on the direct paths, whatever sends them
 * (Reactor Netty's client in {@link DirectAttempts}, Netty handlers in the HTTP/1.1 pass-through):
 * the backend picked by weight, each attempt's circuit-breaker permission and endpoint lease, what
 * the lease, the breaker and the observer are told of its result, and the route's {@link RetryPlan}
 * deciding whether another attempt follows and after what backoff. Single-threaded, like the
 * request it serves.
 */
public final class RequestAttempts {

    /** What a failed attempt leads to: another attempt, or this answer (or, mid-response, none). */
    public record Failed(boolean retry, int status, String body) {}

    private static final Failed RETRY = new Failed(true, 0, null);
    private static final Logger log = LoggerFactory.getLogger(RequestAttempts.class);

    private final DirectRoute route;
    private final RetryPlan plan;
    private final String method;
    private final ObservedRequest observed; // [observe] tracing, access log
    private final long start = System.nanoTime();
    private UpstreamGuard guard;
    private TriedEndpoints tried; // made at the first retry
    private RetryReason retryReason; // why the current attempt is a retry (null for the first)
    private int number;
    private Lease lease;
    private ObservedAttempt observedAttempt; // [observe] the current attempt's client span
    private boolean breakerHeld; // a breaker permission awaits its report
    private long attemptTimeoutNanos;
    private long retryDelayNanos = -1;
    private String refusal;

    public RequestAttempts(DirectRoute route, String method, ObservedRequest observed) {
        this.route = route;
        this.plan = route.retry();
        this.method = method;
        this.observed = observed;
    }

    /** Picks the backend by weight and, when the route retries, pays into its retry budget. */
    public void begin() {
        guard = plan.guard(route.backends().pick());
        if (plan.enabled()) {
            guard.budget().deposit();
        }
    }

    /**
     * The next attempt's endpoint: asks the circuit breaker (open: the fallback upstream), then the
     * upstream's balancer (a retry avoids the endpoints tried). Null when there is none to try: the
     * request is then answered 503 with {@link #refusal()}.
     */
    public Lease next() {
        number++;
        UpstreamPool pool = guard.admit();
        if (pool == null) {
            refusal = guard.breakerOpenBody();
            return null;
        }
        breakerHeld = guard.holdsPermission(pool);
        Lease acquired = number == 1 ? pool.acquire() : pool.acquire(tried);
        if (acquired == null) {
            observed.upstream(pool.name()); // [observe]
            releaseBreaker();
            refusal = "upstream '" + pool.name() + "' has no ready endpoints\n";
            return null;
        }
        lease = acquired;
        observedAttempt = observed.attempt( // [observe] client span
                acquired.upstream(), acquired.endpoint(), number, retryReason == null ? null : retryReason.label());
        attemptTimeoutNanos = number == 1
                ? route.firstAttemptTimeout().toNanos()
                : plan.attemptTimeoutNanos(System.nanoTime(), start + plan.timeoutNanos());
        return acquired;
    }

    /** The 503 body when {@link #next()} found nothing to try. */
    public String refusal() {
        return refusal;
    }

    /** The current attempt: 1 for the first. */
    public int number() {
        return number;
    }

    public ObservedAttempt observedAttempt() {
        return observedAttempt;
    }

    /** How long the current attempt may wait for (each part of) its response. */
    public long attemptTimeoutNanos() {
        return attemptTimeoutNanos;
    }

    /**
     * The upstream answered: the lease, the observer and the breaker are told. True when the status
     * is one the route retries and a retry is allowed: the answer is then dropped, never shown.
     *
     * @param body the request body kept for a replay, or null
     */
    public boolean responded(int status, ReplayableBody body) {
        lease.complete(status);
        observedAttempt.responded(status); // [observe]
        if (breakerHeld) {
            breakerHeld = false;
            guard.breaker().onResponse(status, System.nanoTime() - lease.startNanos());
        }
        return plan.conditions().retries(method, status) && mayRetry(RetryReason.STATUS, body);
    }

    /**
     * The attempt failed (no connection, no answer in time, a reset): the lease, the observer and the
     * breaker are told, and the route's plan decides. A failure after the response started only cuts
     * it short ({@code retry} false, no body); the route's metric is then recorded here.
     */
    public Failed failed(Throwable error, boolean responseStarted, ReplayableBody body) {
        boolean perTryTimeout = error instanceof ReadTimeoutException && plan.perTryTimeoutFired(attemptTimeoutNanos);
        UpstreamFailure failure = perTryTimeout
                ? UpstreamFailure.perTryTimeout(attemptTimeoutNanos / 1_000_000)
                : UpstreamFailure.of(error, route.timeout().toMillis());
        FailureKind kind = failure.kind();
        lease.fail(kind);
        observedAttempt.failed(error); // [observe]
        if (breakerHeld) {
            breakerHeld = false;
            guard.breaker().onFailure(kind, System.nanoTime() - lease.startNanos());
        }
        int status = failure.status().value();
        if (responseStarted) {
            record(status);
            log.debug(
                    "Route {} upstream {} endpoint {} failed mid-response: {}",
                    route.id(),
                    lease.upstream(),
                    lease.endpoint().address(),
                    error.toString());
            return new Failed(false, status, null);
        }
        // A connect failure never sent a byte; anything else may have reached the upstream.
        boolean sent = kind != FailureKind.CONNECT;
        if ((kind != FailureKind.TIMEOUT || perTryTimeout)
                && plan.conditions().retries(method, kind, sent)
                && mayRetry(RetryReason.of(kind), body)) {
            return RETRY;
        }
        return new Failed(
                false, status, failure.body(lease.upstream(), lease.endpoint().address()));
    }

    /** Decides whether to retry (keeping the backoff) and remembers the endpoint tried. */
    private boolean mayRetry(RetryReason reason, ReplayableBody body) {
        long delay = plan.retryDelayNanos(number, System.nanoTime(), start + plan.timeoutNanos(), guard, reason, body);
        if (delay < 0) {
            return false;
        }
        if (tried == null) {
            tried = new TriedEndpoints(plan.attempts());
        }
        tried.add(lease.endpoint());
        retryReason = reason;
        retryDelayNanos = delay;
        return true;
    }

    /** The backoff before the retry decided last, or -1 when none is due; once. */
    public long takeRetryDelayNanos() {
        long delay = retryDelayNanos;
        retryDelayNanos = -1;
        return delay;
    }

    /** The client went away: the attempt under way (if any) gives its lease and permission back. */
    public void cancel() {
        if (lease != null) {
            lease.cancel();
        }
        releaseBreaker();
    }

    private void releaseBreaker() {
        if (breakerHeld) {
            breakerHeld = false;
            guard.breaker().releasePermission();
        }
    }

    /** Records the route's metric for the answer the client got. */
    public void record(int status) {
        route.meters().record(status, System.nanoTime() - start);
    }
}
