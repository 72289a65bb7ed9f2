package io.meshgate.authz;

import io.micrometer.core.instrument.MeterRegistry;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Counts requests the mesh listener's authorization denied: {@code
 * meshgate_authz_denied_total{route,identity}}. Identities are service accounts, so their number
 * is bounded in practice; still, past {@value #MAX_IDENTITIES} distinct identities the new ones are
 * counted as {@value #OTHER}, so a misbehaving caller cannot grow the series without end. Only the
 * denied path calls it.
 */
public final class DeniedRequests {

    /** Distinct identity labels kept before the rest are counted as {@value #OTHER}. */
    public static final int MAX_IDENTITIES = 1000;

    public static final String OTHER = "other";

    private final MeterRegistry registry;
    private final int maxIdentities;
    private final Set<String> identities = ConcurrentHashMap.newKeySet();

    public DeniedRequests(MeterRegistry registry) {
        this(registry, MAX_IDENTITIES);
    }

    DeniedRequests(MeterRegistry registry, int maxIdentities) {
        this.registry = registry;
        this.maxIdentities = maxIdentities;
    }

    void increment(String route, String identity) {
        registry.counter("meshgate.authz.denied", "route", route, "identity", label(identity))
                .increment();
    }

    private String label(String identity) {
        if (identities.contains(identity)) {
            return identity;
        }
        // Racing callers may overshoot by a few; the bound still holds within the number of threads.
        if (identities.size() < maxIdentities && identities.add(identity)) {
            return identity;
        }
        return identities.contains(identity) ? identity : OTHER;
    }
}
