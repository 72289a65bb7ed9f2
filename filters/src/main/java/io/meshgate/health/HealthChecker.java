package io.meshgate.health;

import io.meshgate.balance.Endpoint;
import io.meshgate.balance.EndpointStats;
import io.meshgate.balance.UpstreamPool;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Active health checks for one upstream: probes each endpoint every interval and tells the pool
 * ({@link UpstreamPool#markHealthy}) when one crosses a threshold, so unhealthy endpoints are excluded
 * like ejected ones (and, when none is left healthy, the upstream fails over or panics).
 *
 * <p>The probe is a function from endpoint to the response status (the gateway supplies one on its
 * HTTP client; tests a fake). All timing is the injected clock, driven by {@link #tick()}: each tick
 * fails probes older than the timeout and starts the probes that are due. {@link
 * #start(ScheduledExecutorService)} ticks every {@code min(interval, timeout)}; tests call {@code tick()}
 * themselves after moving a virtual clock. A probe's answer is applied when it arrives, on whatever
 * thread completes it. Changes are logged at INFO, one line each.
 */
public final class HealthChecker implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(HealthChecker.class);

    private final UpstreamPool pool;
    private final HealthCheckPolicy policy;
    private final Function<Endpoint, CompletionStage<Integer>> probe;
    private final LongSupplier clock;
    private final boolean[] healthyStatus = new boolean[600];
    private final long intervalNanos;
    private final long timeoutNanos;
    private final Map<EndpointStats, Probe> probes = new HashMap<>(); // guarded by this
    private final LongAdder probesStarted = new LongAdder();
    private final LongAdder probesFailed = new LongAdder();
    private final LongAdder markedUnhealthy = new LongAdder();
    private final LongAdder markedHealthy = new LongAdder();
    private volatile ScheduledFuture<?> schedule;

    /**
     * @param probe sends one probe ({@code GET policy.path()}) to the endpoint and completes with the
     *     response status, or exceptionally if there was none; it must not block
     * @param nanoClock the clock, the pool's in production
     */
    public HealthChecker(
            UpstreamPool pool,
            HealthCheckPolicy policy,
            Function<Endpoint, CompletionStage<Integer>> probe,
            LongSupplier nanoClock) {
        this.pool = pool;
        this.policy = policy;
        this.probe = probe;
        this.clock = nanoClock;
        this.intervalNanos = policy.interval().toNanos();
        this.timeoutNanos = policy.timeout().toNanos();
        policy.healthyStatuses().forEach(status -> {
            if (status >= 0 && status < healthyStatus.length) {
                healthyStatus[status] = true;
            }
        });
    }

    public HealthCheckPolicy policy() {
        return policy;
    }

    /** Ticks on the scheduler every {@code min(interval, timeout)} until {@link #close()}. */
    public void start(ScheduledExecutorService scheduler) {
        long period = Math.min(intervalNanos, timeoutNanos);
        schedule = scheduler.scheduleWithFixedDelay(this::tickSafely, 0, period, TimeUnit.NANOSECONDS);
    }

    /** Stops the ticks started by {@link #start}; probes in flight are ignored when they answer. */
    @Override
    public void close() {
        ScheduledFuture<?> s = schedule;
        if (s != null) {
            s.cancel(false);
        }
        synchronized (this) {
            probes.values().forEach(p -> p.retire());
            probes.clear();
        }
    }

    /**
     * One round at the clock's now: probes of endpoints that left the upstream are forgotten, probes
     * older than the timeout fail, and every endpoint whose interval has passed (or that is new) is
     * probed.
     */
    public synchronized void tick() {
        long now = clock.getAsLong();
        List<EndpointStats> current = pool.endpointStats();
        if (probes.size() != current.size() || !probes.keySet().containsAll(current)) {
            Map<EndpointStats, Probe> kept = new HashMap<>();
            for (EndpointStats stats : current) {
                Probe p = probes.remove(stats);
                kept.put(stats, p != null ? p : new Probe(stats, now));
            }
            probes.values().forEach(Probe::retire);
            probes.clear();
            probes.putAll(kept);
        }
        for (Probe p : probes.values()) {
            p.tick(now);
        }
    }

    private void tickSafely() {
        try {
            tick();
        } catch (RuntimeException e) {
            log.warn("upstream '{}': health check round failed", pool.name(), e);
        }
    }

    /** Probes started. */
    public LongAdder probesStarted() {
        return probesStarted;
    }

    /** Probes that failed: an unexpected status, an error or a timeout. */
    public LongAdder probesFailed() {
        return probesFailed;
    }

    /** Times an endpoint was taken out of rotation by health checks. */
    public LongAdder markedUnhealthy() {
        return markedUnhealthy;
    }

    /** Times an unhealthy endpoint was put back into rotation. */
    public LongAdder markedHealthy() {
        return markedHealthy;
    }

    /** One endpoint's probing. Its fields are guarded by the object itself. */
    private final class Probe {
        private final EndpointStats stats;
        private long nextAt;
        private long startedAt;
        private boolean pending;
        private int generation;
        private int passes;
        private int failures;
        private boolean retired;

        Probe(EndpointStats stats, long now) {
            this.stats = stats;
            this.nextAt = now;
        }

        void tick(long now) {
            int started;
            synchronized (this) {
                if (pending && now - startedAt >= timeoutNanos) {
                    pending = false;
                    generation++;
                    verdict(false, "no answer within " + policy.timeout());
                }
                if (pending || retired || now - nextAt < 0) {
                    return;
                }
                pending = true;
                startedAt = now;
                nextAt = now + intervalNanos;
                started = ++generation;
            }
            probesStarted.increment();
            CompletionStage<Integer> answer;
            try {
                answer = probe.apply(stats.endpoint());
            } catch (RuntimeException e) {
                answered(started, null, e);
                return;
            }
            answer.whenComplete((status, error) -> answered(started, status, error));
        }

        void answered(int of, Integer status, Throwable error) {
            synchronized (this) {
                if (!pending || generation != of || retired) {
                    return; // timed out already, or the endpoint left
                }
                pending = false;
                if (error == null && status != null && status >= 0 && status < 600 && healthyStatus[status]) {
                    verdict(true, null);
                } else {
                    verdict(false, error != null ? "error " + error : "status " + status);
                }
            }
        }

        /** Under this object's lock. */
        private void verdict(boolean passed, String why) {
            if (passed) {
                failures = 0;
                passes++;
                if (!stats.healthy() && passes >= policy.healthyThreshold()) {
                    pool.markHealthy(stats, true);
                    markedHealthy.increment();
                    log.info(
                            "upstream '{}': endpoint {} passed {} health checks in a row: back in rotation",
                            pool.name(),
                            stats.address(),
                            passes);
                }
            } else {
                probesFailed.increment();
                passes = 0;
                failures++;
                if (stats.healthy() && failures >= policy.unhealthyThreshold()) {
                    pool.markHealthy(stats, false);
                    markedUnhealthy.increment();
                    log.info(
                            "upstream '{}': endpoint {} failed {} health checks in a row (last: {}): out of rotation",
                            pool.name(),
                            stats.address(),
                            failures,
                            why);
                }
            }
        }

        synchronized void retire() {
            retired = true;
        }
    }
}
