package io.meshgate.retry;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * The retry and breaker counters of one upstream, resolved once per configuration (Micrometer hands
 * back the same counter for the same name and tags, so a reload keeps counting): a retry or a refusal
 * is one {@link Counter#increment()}, and a request that succeeds at once touches none of them.
 */
public final class RetryMeters {

    /** Counters in a registry of their own, for tests and callers without metrics. */
    public static RetryMeters unregistered(String upstream) {
        return new RetryMeters(new SimpleMeterRegistry(), upstream);
    }

    private final Counter connectFailure;
    private final Counter reset;
    private final Counter perTryTimeout;
    private final Counter status;
    private final Counter budgetExhausted;
    private final Counter breakerRejected;

    public RetryMeters(MeterRegistry registry, String upstream) {
        this.connectFailure = retries(registry, upstream, "connect-failure");
        this.reset = retries(registry, upstream, "reset");
        this.perTryTimeout = retries(registry, upstream, "per-try-timeout");
        this.status = retries(registry, upstream, "status");
        this.budgetExhausted = Counter.builder("meshgate.retry.budget.exhausted")
                .description("Retries refused because the upstream's retry budget was spent: the failure went to the"
                        + " client as it was")
                .tag("upstream", upstream)
                .register(registry);
        this.breakerRejected = Counter.builder("meshgate.circuit.breaker.rejected")
                .description("Attempts the upstream's open circuit breaker kept from it (sent to the fallback or"
                        + " answered 503)")
                .tag("upstream", upstream)
                .register(registry);
    }

    private static Counter retries(MeterRegistry registry, String upstream, String reason) {
        return Counter.builder("meshgate.retries")
                .description("Retries sent to the upstream, by what failed before")
                .tag("upstream", upstream)
                .tag("reason", reason)
                .register(registry);
    }

    /** The counter of retries after a failure of this reason. */
    public Counter retries(RetryReason reason) {
        return switch (reason) {
            case CONNECT_FAILURE -> connectFailure;
            case RESET -> reset;
            case PER_TRY_TIMEOUT -> perTryTimeout;
            case STATUS -> status;
        };
    }

    public Counter budgetExhausted() {
        return budgetExhausted;
    }

    public Counter breakerRejected() {
        return breakerRejected;
    }
}
