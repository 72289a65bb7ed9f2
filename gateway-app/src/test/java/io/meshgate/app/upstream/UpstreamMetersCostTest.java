package io.meshgate.app.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import io.meshgate.balance.FailureKind;
import io.meshgate.metrics.UpstreamMeters;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

/**
 * What the per-upstream request metrics cost an attempt, with the Prometheus registry the gateway
 * runs: recording into a resolved timer allocates nothing. Measured in allocation (not time, which a
 * busy machine skews); the time is printed for the record.
 */
class UpstreamMetersCostTest {

    private static final int WARM_UP = 200_000;
    private static final int MEASURED = 1_000_000;

    @Test
    void recordingAnAttemptAllocatesNothing() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        UpstreamMeters meters = new UpstreamMeters(registry, "orders");
        for (int i = 0; i < WARM_UP; i++) {
            attempt(meters, i);
        }
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long bytesBefore = threads.getCurrentThreadAllocatedBytes();
        long start = System.nanoTime();
        for (int i = 0; i < MEASURED; i++) {
            attempt(meters, i);
        }
        long nanos = System.nanoTime() - start;
        double bytesPerAttempt = (double) (threads.getCurrentThreadAllocatedBytes() - bytesBefore) / MEASURED;
        System.out.printf(
                "upstream request metrics: %.0f ns, %.2f bytes allocated per attempt%n",
                (double) nanos / MEASURED, bytesPerAttempt);
        assertThat(bytesPerAttempt).isLessThan(1.0);
        assertThat(registry.scrape()).contains("meshgate_upstream_requests_seconds_count{outcome=\"2xx\"");
    }

    private static void attempt(UpstreamMeters meters, int i) {
        long nanos = 200_000L + (i & 0xffff) * 100L;
        switch (i % 10) {
            case 0 -> meters.responded(503, nanos);
            case 1 -> meters.failed(FailureKind.RESET, nanos);
            default -> meters.responded(200, nanos);
        }
    }
}
