package io.meshgate.app.discovery;

import io.meshgate.k8s.ErrorReason;
import io.meshgate.k8s.KubernetesEndpoint;
import io.meshgate.k8s.KubernetesServiceDiscovery;
import io.meshgate.k8s.WatchStatus;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;

/**
 * {@code /actuator/meshgatediscovery} on the management port: each watched Service with its endpoint
 * counts, every endpoint of each port the routes use (conditions, zone, hints), when the watch was last
 * healthy, how stale the endpoints are, and the last error. It answers "why does this upstream have no
 * endpoints?" and "are we serving from an outdated view?".
 */
@Endpoint(id = "meshgatediscovery")
public final class DiscoveryEndpoint {

    private final ObjectProvider<KubernetesServiceDiscovery> discovery;
    private final String offReason;

    public DiscoveryEndpoint(ObjectProvider<KubernetesServiceDiscovery> discovery, String offReason) {
        this.discovery = discovery;
        this.offReason = offReason;
    }

    @ReadOperation
    public Map<String, Object> status() {
        KubernetesServiceDiscovery active = discovery.getIfAvailable();
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("enabled", active != null);
        if (active == null) {
            view.put("reason", offReason);
            view.put("services", List.of());
            return view;
        }
        view.put(
                "services",
                active.status().stream().map(DiscoveryEndpoint::service).toList());
        return view;
    }

    private static Map<String, Object> service(WatchStatus status) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("namespace", status.service().namespace());
        view.put("name", status.service().name());
        view.put("serviceFound", status.serviceFound());
        view.put("synced", status.synced());
        view.put("healthy", status.healthy());
        Map<String, Integer> counts = new LinkedHashMap<>();
        counts.put("ready", status.counts().ready());
        counts.put("serving", status.counts().serving());
        counts.put("terminating", status.counts().terminating());
        counts.put("total", status.counts().total());
        view.put("endpoints", counts);
        view.put("slices", status.slices());
        view.put("lastHealthyAt", text(status.lastHealthyAt()));
        view.put("lastChangeAt", text(status.lastChangeAt()));
        view.put("stalenessSeconds", status.stalenessSeconds());
        view.put("lastError", status.lastError());
        view.put("lastErrorAt", text(status.lastErrorAt()));
        Map<String, Long> errors = new LinkedHashMap<>();
        for (ErrorReason reason : ErrorReason.values()) {
            errors.put(reason.label(), status.errors().get(reason));
        }
        view.put("errors", errors);
        Map<String, Object> ports = new LinkedHashMap<>();
        status.ports()
                .forEach((port, endpoints) -> ports.put(
                        port,
                        endpoints.stream().map(DiscoveryEndpoint::endpoint).toList()));
        view.put("ports", ports);
        return view;
    }

    private static Map<String, Object> endpoint(KubernetesEndpoint endpoint) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("address", endpoint.authority());
        view.put("takesNewRequests", endpoint.takesNewRequests());
        view.put("ready", endpoint.ready());
        view.put("serving", endpoint.serving());
        view.put("terminating", endpoint.terminating());
        view.put("zone", endpoint.zone());
        view.put("nodeName", endpoint.nodeName());
        view.put("hintZones", endpoint.hintZones());
        view.put("target", endpoint.targetName());
        return view;
    }

    private static String text(Instant instant) {
        return instant == null ? null : instant.toString();
    }
}
