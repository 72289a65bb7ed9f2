package io.meshgate.app.upstream;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.meshgate.balance.EndpointStats;
import io.meshgate.balance.PeakEwmaBalancer;
import io.meshgate.balance.UpstreamPool;
import io.meshgate.circuit.UpstreamBreaker;
import io.meshgate.metrics.UpstreamMeters;
import io.meshgate.outlier.OutlierListener;
import io.meshgate.retry.RetryMeters;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Upstream and endpoint health as Prometheus sees it. Counters of ejections and returns come from the
 * outlier detectors as they happen; the gauges ({@code meshgate_upstream_endpoints{state}}, {@code
 * meshgate_upstream_panic}, and per endpoint in-flight, ejected, healthy and the peak-EWMA latency) are
 * rows re-listed by {@link #refresh} from the serving configuration's pools, so endpoints that left
 * disappear. The per-upstream request meters ({@link UpstreamMeters}) are handed to the pools, which
 * record every attempt into them; they outlive reloads and go when their upstream does ({@link
 * #retainUpstreams}). Nothing else here runs per request.
 */
public final class UpstreamMetrics implements OutlierListener {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(UpstreamMetrics.class);

    private static final List<CircuitBreaker.State> BREAKER_STATES =
            List.of(CircuitBreaker.State.CLOSED, CircuitBreaker.State.OPEN, CircuitBreaker.State.HALF_OPEN);

    /** Counters with an {@code upstream} tag, kept while their upstream is configured. */
    private static final List<String> PER_UPSTREAM_COUNTERS = List.of(
            "meshgate.retries",
            "meshgate.retry.budget.exhausted",
            "meshgate.circuit.breaker.rejected",
            "meshgate.outlier.ejections",
            "meshgate.outlier.returns",
            "meshgate.outlier.ejections.skipped");

    private final MeterRegistry registry;
    private final MultiGauge upstreamEndpoints;
    private final MultiGauge upstreamPanic;
    private final MultiGauge endpointInFlight;
    private final MultiGauge endpointEjected;
    private final MultiGauge endpointHealthy;
    private final MultiGauge endpointLatency;
    private final MultiGauge breakerState;
    private final Map<String, UpstreamMeters> requestMeters = new ConcurrentHashMap<>();
    // What the gauge rows were last listed from (identities; on the timer thread only).
    private List<Object> listedPools;
    private List<Object> listedBreakers;

    public UpstreamMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.upstreamEndpoints = MultiGauge.builder("meshgate.upstream.endpoints")
                .description("Endpoints of the upstream by state: healthy, ejected (outlier detection),"
                        + " unhealthy (failing active health checks)")
                .register(registry);
        this.upstreamPanic = MultiGauge.builder("meshgate.upstream.panic")
                .description("1 while fewer than the panic threshold of the upstream's endpoints are healthy")
                .register(registry);
        this.endpointInFlight = MultiGauge.builder("meshgate.endpoint.in.flight")
                .description("Attempts in flight to the endpoint")
                .register(registry);
        this.endpointEjected = MultiGauge.builder("meshgate.endpoint.ejected")
                .description("1 while outlier detection keeps the endpoint out of rotation")
                .register(registry);
        this.endpointHealthy = MultiGauge.builder("meshgate.endpoint.healthy")
                .description("0 while the endpoint fails active health checks")
                .register(registry);
        this.endpointLatency = MultiGauge.builder("meshgate.endpoint.latency.ewma")
                .description("The peak-EWMA balancer's latency estimate of the endpoint")
                .baseUnit("seconds")
                .register(registry);
        this.breakerState = MultiGauge.builder("meshgate.circuit.breaker.state")
                .description("1 for the state the upstream's circuit breaker is in (closed, open, half_open), 0 for"
                        + " the others")
                .register(registry);
    }

    /** The retry and breaker counters of an upstream, for its {@code UpstreamGuard}. */
    public RetryMeters retryMeters(String upstream) {
        return new RetryMeters(registry, upstream);
    }

    /**
     * The request meters of an upstream, for its pool: the same instance for every configuration that
     * has the upstream, so a reload keeps the resolved timers and their counts.
     */
    public UpstreamMeters requestMeters(String upstream) {
        return requestMeters.computeIfAbsent(upstream, name -> new UpstreamMeters(registry, name));
    }

    /**
     * Removes the series of upstreams the serving configuration no longer has: their request meters
     * and their retry, budget, breaker and outlier counters. Called when a configuration starts
     * serving (a rejected one never removes anything); an upstream that comes back starts from zero.
     */
    public void retainUpstreams(Set<String> serving) {
        requestMeters.entrySet().removeIf(entry -> {
            if (serving.contains(entry.getKey())) {
                return false;
            }
            entry.getValue().close();
            return true;
        });
        for (String name : PER_UPSTREAM_COUNTERS) {
            for (Meter meter : registry.find(name).meters()) {
                String upstream = meter.getId().getTag("upstream");
                if (upstream != null && !serving.contains(upstream)) {
                    registry.remove(meter);
                }
            }
        }
    }

    /** Re-lists the circuit breaker state rows (one per state per upstream with a breaker) when they changed. */
    public void refreshBreakers(Collection<UpstreamBreaker> breakers) {
        List<Object> seen = new ArrayList<>(breakers);
        if (sameIdentities(seen, listedBreakers)) {
            return;
        }
        listedBreakers = seen;
        List<MultiGauge.Row<?>> rows = new ArrayList<>();
        for (UpstreamBreaker breaker : breakers) {
            for (CircuitBreaker.State state : BREAKER_STATES) {
                rows.add(MultiGauge.Row.of(
                        Tags.of(
                                "upstream",
                                breaker.upstream(),
                                "state",
                                state.name().toLowerCase(Locale.ROOT)),
                        breaker,
                        b -> b.state() == state ? 1 : 0));
            }
        }
        breakerState.register(rows, true);
    }

    /**
     * Registers an upstream's outlier counters at zero, so that they exist (and dashboards show 0) before
     * the first ejection.
     */
    public void register(String upstream) {
        ejectionsCounter(upstream);
        returnsCounter(upstream);
    }

    private Counter ejectionsCounter(String upstream) {
        return counter("meshgate.outlier.ejections", "Endpoints taken out of rotation by outlier detection", upstream);
    }

    private Counter returnsCounter(String upstream) {
        return counter("meshgate.outlier.returns", "Ejected endpoints whose ejection time was up", upstream);
    }

    @Override
    public void ejected(String upstream, String endpoint, int consecutiveFailures, Duration ejectionTime) {
        ejectionsCounter(upstream).increment();
    }

    @Override
    public void returned(String upstream, String endpoint, Duration ejectedFor) {
        returnsCounter(upstream).increment();
    }

    @Override
    public void ejectionSkipped(String upstream, String endpoint, int consecutiveFailures) {
        counter(
                        "meshgate.outlier.ejections.skipped",
                        "Ejections not made because maxEjectedPercent of the endpoints were out",
                        upstream)
                .increment();
    }

    private Counter counter(String name, String description, String upstream) {
        return Counter.builder(name)
                .description(description)
                .tag("upstream", upstream)
                .register(registry);
    }

    /**
     * Refreshes the gauges from the serving configuration's upstreams (none: no rows). Call it on the
     * upstream timer thread only; it logs rather than throws, so a schedule is never cancelled.
     */
    public void refresh(UpstreamRuntime serving) {
        try {
            refresh(serving == null ? List.of() : serving.pools().values());
            refreshBreakers(serving == null ? List.of() : serving.breakers().all());
        } catch (RuntimeException e) {
            log.warn("Refreshing the upstream metrics failed", e);
        }
    }

    /**
     * Applies due returns and endpoint changes to the pools (so they show while an upstream has no
     * traffic) and, when the pools or their endpoints changed, re-lists the gauge rows. Rows read live
     * objects (pools, endpoint statistics), so an unchanged set is left alone: re-registering rows
     * every second would race with scrapes (a scrape could see a row twice).
     */
    public void refresh(Collection<UpstreamPool> pools) {
        List<Object> seen = new ArrayList<>();
        for (UpstreamPool pool : pools) {
            pool.refresh();
            seen.add(pool);
            seen.addAll(pool.endpointStats());
        }
        if (sameIdentities(seen, listedPools)) {
            return;
        }
        listedPools = seen;
        List<MultiGauge.Row<?>> endpoints = new ArrayList<>();
        List<MultiGauge.Row<?>> panic = new ArrayList<>();
        List<MultiGauge.Row<?>> inFlight = new ArrayList<>();
        List<MultiGauge.Row<?>> ejected = new ArrayList<>();
        List<MultiGauge.Row<?>> healthy = new ArrayList<>();
        List<MultiGauge.Row<?>> latency = new ArrayList<>();
        for (UpstreamPool pool : pools) {
            for (EndpointStats endpoint : pool.endpointStats()) {
                Tags tags = Tags.of("upstream", pool.name(), "endpoint", endpoint.address());
                inFlight.add(MultiGauge.Row.of(tags, endpoint, EndpointStats::inFlight));
                ejected.add(MultiGauge.Row.of(tags, endpoint, e -> e.ejected() ? 1 : 0));
                healthy.add(MultiGauge.Row.of(tags, endpoint, e -> e.healthy() ? 1 : 0));
                if (pool.balancer() instanceof PeakEwmaBalancer ewma) {
                    latency.add(MultiGauge.Row.of(
                            tags,
                            endpoint,
                            e -> ewma.estimateNanos(e, pool.clock().getAsLong()) / 1e9));
                }
            }
            Tags upstream = Tags.of("upstream", pool.name());
            endpoints.add(MultiGauge.Row.of(
                    upstream.and("state", "healthy"), pool, p -> count(p, e -> !e.ejected() && e.healthy())));
            endpoints.add(
                    MultiGauge.Row.of(upstream.and("state", "ejected"), pool, p -> count(p, EndpointStats::ejected)));
            endpoints.add(MultiGauge.Row.of(
                    upstream.and("state", "unhealthy"), pool, p -> count(p, e -> !e.ejected() && !e.healthy())));
            panic.add(MultiGauge.Row.of(upstream, pool, p -> p.panicking() ? 1 : 0));
        }
        upstreamEndpoints.register(endpoints, true);
        upstreamPanic.register(panic, true);
        endpointInFlight.register(inFlight, true);
        endpointEjected.register(ejected, true);
        endpointHealthy.register(healthy, true);
        endpointLatency.register(latency, true);
    }

    private static long count(UpstreamPool pool, java.util.function.Predicate<EndpointStats> state) {
        return pool.endpointStats().stream().filter(state).count();
    }

    private static boolean sameIdentities(List<Object> a, List<Object> b) {
        if (b == null || a.size() != b.size()) {
            return false;
        }
        for (int i = 0; i < a.size(); i++) {
            if (a.get(i) != b.get(i)) {
                return false;
            }
        }
        return true;
    }
}
