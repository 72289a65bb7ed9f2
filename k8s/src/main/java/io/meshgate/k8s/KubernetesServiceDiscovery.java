package io.meshgate.k8s;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.meshgate.balance.EndpointSet;
import io.meshgate.config.KubernetesService;
import io.meshgate.discovery.ServiceDiscovery;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Service discovery by watching EndpointSlices: one {@link ServiceWatch} per Service the route files
 * reference, started when a configuration first asks for it and stopped when an activated
 * configuration no longer references it. The request path only reads the endpoint sets; it never
 * waits on, or calls, the Kubernetes API, so API load depends on the number of watched Services and
 * how often they change, never on the request rate.
 */
public final class KubernetesServiceDiscovery implements ServiceDiscovery, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(KubernetesServiceDiscovery.class);

    /**
     * Tuning.
     *
     * @param initialSyncTimeout how long loading a configuration waits for the first list of a newly
     *     referenced Service (not the request path; 0 to not wait)
     * @param checkInterval how often watch health is sampled for the outage log and recovery
     */
    public record Settings(Duration initialSyncTimeout, Duration checkInterval) {
        public static final Settings DEFAULT = new Settings(Duration.ofSeconds(2), Duration.ofMillis(500));
    }

    private final KubernetesClient client;
    private final Settings settings;
    private final Clock clock;
    private final DiscoveryListener listener;
    private final Map<ServiceName, ServiceWatch> watches = new HashMap<>();
    private final ScheduledExecutorService checker;

    public KubernetesServiceDiscovery(
            KubernetesClient client, Settings settings, Clock clock, DiscoveryListener listener) {
        this.client = client;
        this.settings = settings;
        this.clock = clock;
        this.listener = listener;
        this.checker = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "meshgate-discovery-health");
            thread.setDaemon(true);
            return thread;
        });
        long interval = settings.checkInterval().toMillis();
        checker.scheduleWithFixedDelay(this::checkAll, interval, interval, TimeUnit.MILLISECONDS);
    }

    @Override
    public EndpointSet endpoints(KubernetesService service) {
        ServiceName name = ServiceName.of(service);
        ServiceWatch watch;
        boolean started = false;
        synchronized (watches) {
            watch = watches.get(name);
            if (watch == null) {
                watch = new ServiceWatch(name, client, clock);
                watches.put(name, watch);
                started = true;
            }
        }
        if (started) {
            log.info("Watching EndpointSlices of Service {}", name);
            watch.start();
            listener.watchStarted(watch);
        }
        if (!watch.awaitFirstList(settings.initialSyncTimeout())) {
            log.warn(
                    "The first list of Service {} did not complete within {}; its upstream has no endpoints until it"
                            + " does",
                    name,
                    settings.initialSyncTimeout());
        }
        return watch.endpointSet(service.port());
    }

    @Override
    public void retain(Collection<KubernetesService> referenced) {
        Map<ServiceName, Set<String>> ports = new HashMap<>();
        for (KubernetesService service : referenced) {
            ports.computeIfAbsent(ServiceName.of(service), n -> new HashSet<>()).add(service.port());
        }
        List<ServiceWatch> stopped;
        synchronized (watches) {
            stopped = watches.values().stream()
                    .filter(watch -> !ports.containsKey(watch.name()))
                    .toList();
            stopped.forEach(watch -> watches.remove(watch.name()));
            watches.values().forEach(watch -> watch.retainPorts(ports.get(watch.name())));
        }
        for (ServiceWatch watch : stopped) {
            log.info("Stopped watching Service {}: no route file references it any more", watch.name());
            watch.close();
            listener.watchStopped(watch);
        }
    }

    /** The watches running now, sorted by namespace and name. */
    public List<ServiceWatch> watches() {
        synchronized (watches) {
            return watches.values().stream()
                    .sorted(java.util.Comparator.comparing(
                            ServiceWatch::name,
                            java.util.Comparator.comparing(ServiceName::namespace)
                                    .thenComparing(ServiceName::name)))
                    .toList();
        }
    }

    /** The status of every watch, sorted by namespace and name. */
    public List<WatchStatus> status() {
        return watches().stream().map(ServiceWatch::status).toList();
    }

    private void checkAll() {
        for (ServiceWatch watch : watches()) {
            try {
                watch.check();
            } catch (RuntimeException e) {
                log.warn("Checking the watch of Service {} failed", watch.name(), e);
            }
        }
    }

    @Override
    public void close() {
        checker.shutdownNow();
        List<ServiceWatch> all;
        synchronized (watches) {
            all = List.copyOf(watches.values());
            watches.clear();
        }
        for (ServiceWatch watch : all) {
            watch.close();
            listener.watchStopped(watch);
        }
    }
}
