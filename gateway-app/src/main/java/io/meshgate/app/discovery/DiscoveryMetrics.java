package io.meshgate.app.discovery;

import io.meshgate.k8s.DiscoveryListener;
import io.meshgate.k8s.ErrorReason;
import io.meshgate.k8s.ServiceWatch;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToDoubleFunction;

/**
 * Per watched Service, while it is watched: {@code
 * meshgate_discovery_endpoints{k8s_namespace,k8s_service,state}} (state {@code ready}, {@code serving},
 * {@code terminating}), {@code meshgate_discovery_staleness_seconds{k8s_namespace,k8s_service}} (0 while
 * the watch is healthy) and {@code meshgate_discovery_errors_total{k8s_namespace,k8s_service,reason}}.
 * All read the watch when scraped. The labels are not {@code namespace} and {@code service}: Prometheus
 * jobs in a cluster attach those to every series of the gateway's own pod (its namespace, its Service),
 * and a scraped label of the same name would be renamed {@code exported_namespace}.
 */
public final class DiscoveryMetrics implements DiscoveryListener {

    private final MeterRegistry registry;
    private final Map<ServiceWatch, List<Meter>> meters = new ConcurrentHashMap<>();

    public DiscoveryMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    @Override
    public void watchStarted(ServiceWatch watch) {
        Tags tags = Tags.of(
                "k8s_namespace",
                watch.name().namespace(),
                "k8s_service",
                watch.name().name());
        List<Meter> registered = new ArrayList<>();
        registered.add(endpoints(watch, tags, "ready", w -> w.counts().ready()));
        registered.add(endpoints(watch, tags, "serving", w -> w.counts().serving()));
        registered.add(endpoints(watch, tags, "terminating", w -> w.counts().terminating()));
        registered.add(Gauge.builder("meshgate.discovery.staleness", watch, ServiceWatch::stalenessSeconds)
                .tags(tags)
                .baseUnit("seconds")
                .description("Seconds the Service's endpoints may have missed changes for; 0 while its watch is"
                        + " healthy")
                .register(registry));
        for (ErrorReason reason : ErrorReason.values()) {
            registered.add(FunctionCounter.builder("meshgate.discovery.errors", watch, w -> w.errorCount(reason))
                    .tags(tags.and("reason", reason.label()))
                    .description("Failed lists and watches of the Service, by reason")
                    .register(registry));
        }
        meters.put(watch, registered);
    }

    private Meter endpoints(ServiceWatch watch, Tags tags, String state, ToDoubleFunction<ServiceWatch> value) {
        return Gauge.builder("meshgate.discovery.endpoints", watch, value)
                .tags(tags.and("state", state))
                .description("Endpoints of the Service by condition")
                .register(registry);
    }

    @Override
    public void watchStopped(ServiceWatch watch) {
        List<Meter> registered = meters.remove(watch);
        if (registered != null) {
            registered.forEach(registry::remove);
        }
    }
}
