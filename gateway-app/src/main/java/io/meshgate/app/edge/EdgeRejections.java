package io.meshgate.app.edge;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Counts the requests the edge checks refused, by reason, in {@code
 * meshgate_edge_rejected_total{reason}}: the only trace of them, since they never reach a route (no
 * access-log line) and meshgate logs nothing per refused request. Counters are resolved once; a
 * refusal costs one increment.
 */
final class EdgeRejections {

    static final EdgeRejections NONE = new EdgeRejections(null);

    /** Netty's decoder refused the request (400, 414 or 431, answered by Reactor Netty). */
    final Counter malformed;
    /** Ambiguous length or host (400): request smuggling. */
    final Counter framing;

    final Counter headerCount;
    final Counter bodySize;
    final Counter headerTimeout;
    final Counter bodyTimeout;

    EdgeRejections(MeterRegistry registry) {
        malformed = counter(registry, "malformed");
        framing = counter(registry, "framing");
        headerCount = counter(registry, "header-count");
        bodySize = counter(registry, "body-size");
        headerTimeout = counter(registry, "header-timeout");
        bodyTimeout = counter(registry, "body-timeout");
    }

    private static Counter counter(MeterRegistry registry, String reason) {
        if (registry == null) {
            return null;
        }
        return Counter.builder("meshgate.edge.rejected")
                .description("Requests refused by the listeners' edge checks (limits, timeouts, framing)")
                .tag("reason", reason)
                .register(registry);
    }

    static void count(Counter counter) {
        if (counter != null) {
            counter.increment();
        }
    }
}
