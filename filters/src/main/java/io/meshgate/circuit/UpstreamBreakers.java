package io.meshgate.circuit;

import io.meshgate.config.CircuitBreakerPolicy;
import io.meshgate.config.SourceLocation;
import io.meshgate.config.Upstream;
import java.time.Clock;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The circuit breakers of one configuration, by upstream name: one for each upstream with a {@code
 * circuitBreaker} in the route file. A reload keeps an upstream's breaker, state and window
 * included, when its policy did not change, so editing an unrelated route does not close an open
 * breaker. Immutable; built when a configuration is applied, read per attempt.
 */
public final class UpstreamBreakers {

    /** No breakers. */
    public static final UpstreamBreakers NONE = new UpstreamBreakers(Map.of());

    private final Map<String, UpstreamBreaker> byUpstream;

    private UpstreamBreakers(Map<String, UpstreamBreaker> byUpstream) {
        this.byUpstream = Map.copyOf(byUpstream);
    }

    /**
     * The breakers of {@code upstreams}.
     *
     * @param previous the breakers of the configuration being replaced (or {@link #NONE}): kept where
     *     the policy is the same
     * @param clock the clock breakers wait on in the open state
     */
    public static UpstreamBreakers of(Collection<Upstream> upstreams, UpstreamBreakers previous, Clock clock) {
        Map<String, UpstreamBreaker> breakers = new HashMap<>();
        for (Upstream upstream : upstreams) {
            CircuitBreakerPolicy policy = upstream.circuitBreaker();
            if (policy == null) {
                continue;
            }
            UpstreamBreaker old = previous.get(upstream.name());
            breakers.put(
                    upstream.name(),
                    old != null && samePolicy(old.policy(), policy)
                            ? old
                            : new UpstreamBreaker(upstream.name(), policy, clock));
        }
        return new UpstreamBreakers(breakers);
    }

    /** The upstream's breaker, or null if it has none (the attempt then goes ahead unchecked). */
    public UpstreamBreaker get(String upstream) {
        return byUpstream.get(upstream);
    }

    /** Every breaker, for metrics and the admin view. */
    public Collection<UpstreamBreaker> all() {
        return byUpstream.values();
    }

    /** Equal but for where they are written: moving a policy in the file keeps the breaker. */
    private static boolean samePolicy(CircuitBreakerPolicy a, CircuitBreakerPolicy b) {
        SourceLocation anywhere = SourceLocation.unknown("");
        return withLocation(a, anywhere).equals(withLocation(b, anywhere));
    }

    private static CircuitBreakerPolicy withLocation(CircuitBreakerPolicy p, SourceLocation location) {
        return new CircuitBreakerPolicy(
                p.failureRateThreshold(),
                p.slidingWindowSize(),
                p.minimumNumberOfCalls(),
                p.waitDurationInOpenState(),
                p.permittedNumberOfCallsInHalfOpenState(),
                p.fallback(),
                Objects.requireNonNull(location));
    }

    @Override
    public String toString() {
        return "UpstreamBreakers" + byUpstream.values();
    }
}
