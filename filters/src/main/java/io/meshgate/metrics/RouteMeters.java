package io.meshgate.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The request meters of one route, resolved once and kept with the compiled route, so recording a
 * request is an array read and a histogram update: no tag lists, no registry lookups per request.
 * Published as {@code meshgate_route_requests_seconds} with tags {@code route} and {@code status}
 * (a status class: {@code 2xx} ... {@code 5xx}), with histogram buckets that Prometheus'
 * {@code histogram_quantile} can use.
 */
public final class RouteMeters {

    /** Bucket bounds fit for a proxy: sub-millisecond to the default 15 s route timeout. */
    static final Duration[] BUCKETS = {
        Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMillis(5), Duration.ofMillis(10),
        Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250),
        Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5),
        Duration.ofSeconds(10), Duration.ofSeconds(15), Duration.ofSeconds(30)
    };

    private static final String[] CLASSES = {"1xx", "2xx", "3xx", "4xx", "5xx"};

    private final MeterRegistry registry;
    private final String route;
    private final AtomicReferenceArray<Timer> byClass = new AtomicReferenceArray<>(CLASSES.length);

    public RouteMeters(MeterRegistry registry, String route) {
        this.registry = registry;
        this.route = route;
    }

    /** Records one request that ended with the status after the given nanoseconds. */
    public void record(int status, long nanos) {
        int index = status / 100 - 1;
        if (index < 0 || index >= CLASSES.length) {
            index = CLASSES.length - 1;
        }
        Timer timer = byClass.get(index);
        if (timer == null) {
            timer = register(index);
        }
        timer.record(nanos, TimeUnit.NANOSECONDS);
    }

    /**
     * Removes the series of routes the serving configuration no longer has (a route that comes back
     * starts from zero); also their {@code meshgate.authz.denied} counters.
     */
    public static void retainRoutes(MeterRegistry registry, java.util.Set<String> serving) {
        for (String name : new String[] {"meshgate.route.requests", "meshgate.authz.denied"}) {
            for (io.micrometer.core.instrument.Meter meter : registry.find(name).meters()) {
                String route = meter.getId().getTag("route");
                if (route != null && !serving.contains(route)) {
                    registry.remove(meter);
                }
            }
        }
    }

    private Timer register(int index) {
        // The registry returns the same meter for the same id, so a race or a reload registers once.
        Timer timer = Timer.builder("meshgate.route.requests")
                .description("Requests handled by a route, by status class, from routing to response")
                .tag("route", route)
                .tag("status", CLASSES[index])
                .serviceLevelObjectives(BUCKETS)
                .register(registry);
        byClass.set(index, timer);
        return timer;
    }
}
