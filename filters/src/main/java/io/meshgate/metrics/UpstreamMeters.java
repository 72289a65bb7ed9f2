package io.meshgate.metrics;

import io.meshgate.balance.AttemptRecorder;
import io.meshgate.balance.FailureKind;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The request meters of one upstream: every attempt sent to it, timed from the endpoint's acquire to
 * the upstream's response headers (or to the failure), by outcome. Published as {@code
 * meshgate_upstream_requests_seconds} with tags {@code upstream} and {@code outcome}: the status class
 * ({@code 1xx} ... {@code 5xx}) or why no status came ({@code connect_error}, {@code reset}, {@code
 * timeout}, {@code cancelled}), with the route timer's histogram buckets.
 *
 * <p>One instance per upstream name lives across configurations (the pools of each reload share
 * it), so recording is an array read and a histogram update: no tags, no registry lookups, no
 * allocation. A timer is registered at its outcome's first attempt (an upstream that never times out
 * has no {@code timeout} series). {@link #close()} removes the series once the upstream is gone.
 */
public final class UpstreamMeters implements AttemptRecorder {

    private static final String[] OUTCOMES = {
        "1xx", "2xx", "3xx", "4xx", "5xx", "connect_error", "reset", "timeout", "cancelled"
    };
    private static final int CONNECT_ERROR = 5;
    private static final int RESET = 6;
    private static final int TIMEOUT = 7;
    private static final int CANCELLED = 8;

    private final MeterRegistry registry;
    private final String upstream;
    private final AtomicReferenceArray<Timer> byOutcome = new AtomicReferenceArray<>(OUTCOMES.length);
    private boolean closed; // guarded by this

    public UpstreamMeters(MeterRegistry registry, String upstream) {
        this.registry = registry;
        this.upstream = upstream;
    }

    public String upstream() {
        return upstream;
    }

    @Override
    public void responded(int status, long nanos) {
        int index = status / 100 - 1;
        if (index < 0 || index > 4) {
            index = 4; // not HTTP: count it with the server errors
        }
        record(index, nanos);
    }

    @Override
    public void failed(FailureKind kind, long nanos) {
        record(
                switch (kind) {
                    case CONNECT -> CONNECT_ERROR;
                    case RESET -> RESET;
                    case TIMEOUT -> TIMEOUT;
                },
                nanos);
    }

    @Override
    public void cancelled(long nanos) {
        record(CANCELLED, nanos);
    }

    private void record(int index, long nanos) {
        Timer timer = byOutcome.get(index);
        if (timer == null) {
            timer = register(index);
            if (timer == null) {
                return; // the upstream is gone: an attempt of the old configuration ended late
            }
        }
        timer.record(nanos, TimeUnit.NANOSECONDS);
    }

    private synchronized Timer register(int index) {
        if (closed) {
            return null;
        }
        Timer timer = byOutcome.get(index);
        if (timer == null) {
            timer = Timer.builder("meshgate.upstream.requests")
                    .description("Requests sent to the upstream (every attempt, retries included), by outcome,"
                            + " from the endpoint's acquire to the response headers or the failure")
                    .tag("upstream", upstream)
                    .tag("outcome", OUTCOMES[index])
                    .serviceLevelObjectives(RouteMeters.BUCKETS)
                    .register(registry);
            byOutcome.set(index, timer);
        }
        return timer;
    }

    /**
     * Removes the upstream's series from the registry (its name left the configuration). Attempts
     * still in flight record into the removed timers, which no scrape shows.
     */
    public synchronized void close() {
        closed = true;
        for (int i = 0; i < OUTCOMES.length; i++) {
            Timer timer = byOutcome.get(i);
            if (timer != null) {
                registry.remove(timer);
            }
        }
    }
}
