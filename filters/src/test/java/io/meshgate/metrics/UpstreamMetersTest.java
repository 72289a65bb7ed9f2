package io.meshgate.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.meshgate.balance.Endpoint;
import io.meshgate.balance.FailureKind;
import io.meshgate.balance.Lease;
import io.meshgate.balance.RoundRobinBalancer;
import io.meshgate.balance.StaticEndpointSet;
import io.meshgate.balance.UpstreamPool;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import org.junit.jupiter.api.Test;

class UpstreamMetersTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final UpstreamMeters meters = new UpstreamMeters(registry, "orders");
    private final UpstreamPool pool = UpstreamPool.builder(
                    "orders", new StaticEndpointSet(List.of(Endpoint.of("127.0.0.1", 8080, 1))))
            .balancer(new RoundRobinBalancer())
            .recorder(meters)
            .build();

    @Test
    void everyLeaseIsRecordedOnceByItsOutcome() {
        pool.acquire().complete(200);
        pool.acquire().complete(204);
        pool.acquire().complete(503);
        pool.acquire().complete(404);
        pool.acquire().fail(FailureKind.CONNECT);
        pool.acquire().fail(FailureKind.TIMEOUT);
        pool.acquire().fail(FailureKind.RESET);
        Lease cancelled = pool.acquire();
        cancelled.cancel();
        // A lease gives its result once: later calls are not recorded again.
        cancelled.complete(200);

        assertThat(count("2xx")).isEqualTo(2);
        assertThat(count("4xx")).isEqualTo(1);
        assertThat(count("5xx")).isEqualTo(1);
        assertThat(count("connect_error")).isEqualTo(1);
        assertThat(count("timeout")).isEqualTo(1);
        assertThat(count("reset")).isEqualTo(1);
        assertThat(count("cancelled")).isEqualTo(1);
        assertThat(registry.find("meshgate.upstream.requests")
                        .tag("outcome", "3xx")
                        .timer())
                .as("registered at its first attempt only")
                .isNull();
    }

    @Test
    void pickWithoutFeedbackIsNoAttempt() {
        assertThat(pool.pick()).isNotNull();
        assertThat(registry.find("meshgate.upstream.requests").timers()).isEmpty();
    }

    @Test
    void closeRemovesTheSeriesAndLateAttemptsAddNone() {
        Lease late = pool.acquire();
        pool.acquire().complete(200);
        assertThat(registry.find("meshgate.upstream.requests").timers()).hasSize(1);

        meters.close();
        late.fail(FailureKind.RESET);
        pool.acquire().complete(200);

        assertThat(registry.find("meshgate.upstream.requests").timers()).isEmpty();
    }

    @Test
    void bucketsAreTheRouteTimersSloBuckets() {
        pool.acquire().complete(200);
        Timer timer =
                registry.get("meshgate.upstream.requests").tag("outcome", "2xx").timer();
        assertThat(timer.takeSnapshot().histogramCounts()).hasSize(RouteMeters.BUCKETS.length);
    }

    private long count(String outcome) {
        Timer timer = registry.find("meshgate.upstream.requests")
                .tag("upstream", "orders")
                .tag("outcome", outcome)
                .timer();
        return timer == null ? 0 : timer.count();
    }
}
