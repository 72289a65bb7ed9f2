package io.meshgate.k8s;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The watch of one Service: an informer of its EndpointSlices (label {@code
 * kubernetes.io/service-name}) and one of the Service itself (to resolve port numbers), feeding one
 * {@link KubernetesEndpointSet} per port the routes use. Every change rebuilds the affected sets from
 * the informers' stores and swaps them in whole.
 *
 * <p>Failures never empty a set: while the API server is unreachable, the watch expired or access is
 * forbidden, the sets keep the last known endpoints, the informers re-list and re-watch with
 * exponential backoff (1 s doubling to 32 s), each kind of failure is logged once per outage, and
 * {@link #status} reports how stale the endpoints are.
 */
public final class ServiceWatch implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ServiceWatch.class);

    /** A watch may drop for a moment (the informer restarts it every 5 to 10 minutes): not an outage. */
    static final Duration OUTAGE_LOG_DELAY = Duration.ofSeconds(2);

    private static final Pattern DENIED = Pattern.compile("cannot (\\w+) resource \"([^\"]+)\"");

    private final ServiceName name;
    private final Clock clock;
    private final SharedIndexInformer<EndpointSlice> sliceInformer;
    private final SharedIndexInformer<Service> serviceInformer;
    private final Map<String, KubernetesEndpointSet> sets = new ConcurrentHashMap<>();
    private final CompletableFuture<Void> firstOutcome = new CompletableFuture<>();
    private final Map<ErrorReason, AtomicLong> errors = new EnumMap<>(ErrorReason.class);
    private final Set<ErrorReason> loggedThisOutage = ConcurrentHashMap.newKeySet();
    private final Instant startedAt;

    private volatile EndpointSlices.Counts counts = EndpointSlices.Counts.NONE;
    private volatile int sliceCount;
    private volatile boolean serviceFound;
    private volatile boolean rebuiltOnce;
    private volatile Instant lastHealthyAt;
    private volatile Instant unhealthySince;
    private volatile Instant lastChangeAt;
    private volatile String lastError;
    private volatile Instant lastErrorAt;
    private volatile boolean closed;

    ServiceWatch(ServiceName name, KubernetesClient client, Clock clock) {
        this.name = name;
        this.clock = clock;
        this.startedAt = clock.instant();
        for (ErrorReason reason : ErrorReason.values()) {
            errors.put(reason, new AtomicLong());
        }
        // No resync (0): a resync re-delivers the cache, it does not talk to the API server, and the
        // stores are the truth the sets are rebuilt from anyway.
        this.sliceInformer = client.discovery()
                .v1()
                .endpointSlices()
                .inNamespace(name.namespace())
                .withLabel(KubernetesPermissions.SERVICE_NAME_LABEL, name.name())
                .runnableInformer(0);
        this.serviceInformer = client.services()
                .inNamespace(name.namespace())
                .withName(name.name())
                .runnableInformer(0);
        sliceInformer.exceptionHandler(
                (started, error) -> onError(KubernetesPermissions.ENDPOINT_SLICES, started, error));
        serviceInformer.exceptionHandler((started, error) -> onError(KubernetesPermissions.SERVICES, started, error));
        sliceInformer.addEventHandler(new Rebuild<>());
        serviceInformer.addEventHandler(new Rebuild<>());
    }

    /** Starts both informers without waiting: the first list runs in the background. */
    void start() {
        CompletableFuture<Void> slices = sliceInformer.start().toCompletableFuture();
        CompletableFuture<Void> service = serviceInformer.start().toCompletableFuture();
        CompletableFuture.allOf(slices, service).whenComplete((ignored, error) -> {
            if (error == null) {
                rebuild();
                firstOutcome.complete(null);
            }
        });
    }

    /**
     * Waits, at most {@code timeout}, until the first list completed or failed, so a gateway that
     * starts does not answer 503 for a Service whose endpoints are a few milliseconds away.
     */
    boolean awaitFirstList(Duration timeout) {
        try {
            firstOutcome.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (java.util.concurrent.ExecutionException e) {
            return false;
        }
    }

    /** The live set of a port (name or number, as in the route file); created on first use. */
    public KubernetesEndpointSet endpointSet(String port) {
        KubernetesEndpointSet set = sets.get(port);
        if (set != null) {
            return set;
        }
        synchronized (this) {
            return sets.computeIfAbsent(port, p -> {
                KubernetesEndpointSet created = new KubernetesEndpointSet(name, p);
                created.replace(EndpointSlices.merge(sliceInformer.getStore().list(), selector(p)));
                return created;
            });
        }
    }

    /** Drops the sets of ports no route uses any more. */
    synchronized void retainPorts(Collection<String> ports) {
        sets.keySet().retainAll(Set.copyOf(ports));
    }

    public ServiceName name() {
        return name;
    }

    public EndpointSlices.Counts counts() {
        return counts;
    }

    /** Errors by reason since the watch started (counters, for {@code meshgate_discovery_errors_total}). */
    public long errorCount(ErrorReason reason) {
        return errors.get(reason).get();
    }

    /** Whether both informers have listed and are watching right now. */
    public boolean healthy() {
        return sliceInformer.hasSynced()
                && serviceInformer.hasSynced()
                && sliceInformer.isWatching()
                && serviceInformer.isWatching();
    }

    /** Seconds the endpoints may have missed changes for: 0 while the watch is healthy. */
    public double stalenessSeconds() {
        if (healthy()) {
            return 0;
        }
        Instant since = lastHealthyAt != null ? lastHealthyAt : startedAt;
        return Math.max(0, Duration.between(since, clock.instant()).toMillis() / 1000.0);
    }

    public WatchStatus status() {
        Map<ErrorReason, Long> errorCounts = new EnumMap<>(ErrorReason.class);
        errors.forEach((reason, count) -> errorCounts.put(reason, count.get()));
        Map<String, List<KubernetesEndpoint>> ports = new LinkedHashMap<>();
        sets.values().stream()
                .sorted(java.util.Comparator.comparing(KubernetesEndpointSet::port))
                .forEach(set -> ports.put(set.port(), set.snapshot().all()));
        return new WatchStatus(
                name,
                serviceFound,
                sliceInformer.hasSynced() && serviceInformer.hasSynced(),
                healthy(),
                counts,
                sliceCount,
                lastHealthyAt,
                lastChangeAt,
                stalenessSeconds(),
                lastError,
                lastErrorAt,
                errorCounts,
                ports);
    }

    /**
     * Called periodically (not per request): notes when the watch was last healthy, and logs an
     * outage once when it lasts, and the recovery.
     */
    void check() {
        Instant now = clock.instant();
        if (healthy() && rebuiltOnce) {
            Instant since = unhealthySince;
            if (since != null && !loggedThisOutage.isEmpty()) {
                log.info(
                        "Watch of Service {} restored; its endpoints were up to {} s stale",
                        name,
                        staleSeconds(lastHealthyAt != null ? lastHealthyAt : startedAt, now));
            }
            lastHealthyAt = now;
            unhealthySince = null;
            loggedThisOutage.clear();
            return;
        }
        if (unhealthySince == null) {
            unhealthySince = now;
            return;
        }
        boolean lasting = Duration.between(unhealthySince, now).compareTo(OUTAGE_LOG_DELAY) >= 0;
        if (lasting && lastHealthyAt != null && loggedThisOutage.isEmpty()) {
            loggedThisOutage.add(ErrorReason.DISCONNECTED);
            String message = "Lost the watch of Service " + name + " " + staleSeconds(lastHealthyAt, now)
                    + " s ago (API server unreachable or restarting?): still serving the last known endpoints ("
                    + counts.ready() + " ready); reconnecting with backoff";
            // The message before the count: whoever sees the count must also see why.
            recordError(message, now);
            errors.get(ErrorReason.DISCONNECTED).incrementAndGet();
            log.warn(message);
        }
    }

    @Override
    public void close() {
        closed = true;
        sliceInformer.close();
        serviceInformer.close();
    }

    private boolean onError(KubernetesPermissions.Rule resource, boolean started, Throwable error) {
        if (closed) {
            return false;
        }
        Instant now = clock.instant();
        ErrorReason reason = ErrorReason.of(error);
        if (unhealthySince == null) {
            unhealthySince = now;
        }
        String message = describe(reason, resource, error);
        recordError(message, now);
        errors.get(reason).incrementAndGet();
        if (loggedThisOutage.add(reason)) {
            log.warn(message);
        } else {
            log.debug(message, error);
        }
        firstOutcome.complete(null);
        // Always retry: permissions can be granted and API servers come back. The informer backs off
        // exponentially (1 s doubling to 32 s) and keeps its store, so the sets keep their endpoints.
        return true;
    }

    private String describe(ErrorReason reason, KubernetesPermissions.Rule resource, Throwable error) {
        KubernetesClientException api = ErrorReason.apiError(error);
        String serverSays =
                api != null && api.getStatus() != null && api.getStatus().getMessage() != null
                        ? api.getStatus().getMessage()
                        : String.valueOf(rootCause(error).getMessage());
        String meanwhile =
                "; serving the last known endpoints (" + counts.ready() + " ready) and retrying with backoff";
        return switch (reason) {
            case FORBIDDEN -> {
                Matcher denied = DENIED.matcher(serverSays);
                String verb = denied.find() ? denied.group(1) : "list";
                yield "Cannot watch Service " + name + ": meshgate's service account may not " + verb + " "
                        + resource.qualifiedResource() + " in namespace '" + name.namespace()
                        + "' (403 Forbidden: " + serverSays + "). Grant it " + grants()
                        + " in that namespace (a ClusterRole as in k8s/deploy/base/rbac.yaml)" + meanwhile;
            }
            case UNAUTHORIZED -> "Cannot watch Service " + name
                    + ": the Kubernetes API refused meshgate's credentials (401 Unauthorized: " + serverSays
                    + "); check the service account token or kubeconfig" + meanwhile;
            case UNREACHABLE -> "Cannot reach the Kubernetes API to watch Service " + name + " ("
                    + rootCause(error).getClass().getSimpleName() + ": " + serverSays + ")" + meanwhile;
            default -> "Watching Service " + name + " (" + resource.qualifiedResource() + ") failed: "
                    + (api != null ? api.getCode() + " " : "") + serverSays + meanwhile;
        };
    }

    private static String grants() {
        StringBuilder text = new StringBuilder();
        for (KubernetesPermissions.Rule rule : KubernetesPermissions.REQUIRED) {
            if (!text.isEmpty()) {
                text.append(" and ");
            }
            text.append(String.join(", ", rule.verbs())).append(" on ").append(rule.qualifiedResource());
        }
        return text.toString();
    }

    private void recordError(String message, Instant at) {
        lastError = message;
        lastErrorAt = at;
    }

    private static Throwable rootCause(Throwable error) {
        Throwable root = error;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root;
    }

    private static String staleSeconds(Instant since, Instant now) {
        return String.format(
                java.util.Locale.ROOT, "%.1f", Duration.between(since, now).toMillis() / 1000.0);
    }

    private PortSelector selector(String port) {
        return PortSelector.resolve(port, service());
    }

    private Service service() {
        List<Service> services = serviceInformer.getStore().list();
        return services.isEmpty() ? null : services.get(0);
    }

    /** Rebuilds every set from the informers' stores, which are always at least as new as the event. */
    private synchronized void rebuild() {
        List<EndpointSlice> slices = sliceInformer.getStore().list();
        Service service = service();
        for (KubernetesEndpointSet set : sets.values()) {
            set.replace(EndpointSlices.merge(slices, PortSelector.resolve(set.port(), service)));
        }
        counts = EndpointSlices.count(slices);
        sliceCount = slices.size();
        serviceFound = service != null;
        lastChangeAt = clock.instant();
        rebuiltOnce = true;
    }

    private final class Rebuild<T extends HasMetadata> implements ResourceEventHandler<T> {
        @Override
        public void onAdd(T object) {
            rebuild();
        }

        @Override
        public void onUpdate(T before, T after) {
            rebuild();
        }

        @Override
        public void onDelete(T object, boolean finalStateUnknown) {
            rebuild();
        }

        @Override
        public void onNothing() {
            rebuild();
        }
    }

    @Override
    public String toString() {
        return "ServiceWatch[" + name + "]";
    }
}
