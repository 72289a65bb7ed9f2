package io.meshgate.k8s;

import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointConditions;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.ForZone;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Merges the EndpointSlices of one Service into one list of endpoints, following the API's rules:
 * an absent {@code ready} means ready, an absent {@code serving} means as ready, an absent {@code
 * terminating} means not terminating; only the first address of an endpoint is used (the API allows
 * consumers that); IPv4 and IPv6 slices are used, FQDN slices are not. An address that appears in two
 * slices (the controller moving it between slices) is kept once, and takes new requests only if every
 * copy says so: a stale copy never sends a request to a terminating endpoint.
 */
public final class EndpointSlices {

    /** Endpoint counts of a Service, over all its ports, each address counted once. */
    public record Counts(int ready, int serving, int terminating, int total) {
        public static final Counts NONE = new Counts(0, 0, 0, 0);
    }

    /** The route files' bound on weights, so sums stay far from overflow. */
    static final int MAX_WEIGHT = 1_000_000;

    private static final Logger log = LoggerFactory.getLogger(EndpointSlices.class);

    private EndpointSlices() {}

    /** The endpoints of the selected port, sorted by address. */
    public static ServiceEndpoints merge(Collection<EndpointSlice> slices, PortSelector port) {
        Map<String, KubernetesEndpoint> byAuthority = new LinkedHashMap<>();
        for (EndpointSlice slice : sorted(slices)) {
            if (!usable(slice)) {
                continue;
            }
            Integer number = port.portIn(slice);
            if (number == null) {
                continue;
            }
            int weight = weight(slice);
            for (Endpoint endpoint : slice.getEndpoints()) {
                KubernetesEndpoint merged = endpoint(endpoint, number, weight);
                if (merged != null) {
                    byAuthority.merge(merged.authority(), merged, EndpointSlices::conservative);
                }
            }
        }
        List<KubernetesEndpoint> all = new ArrayList<>(byAuthority.values());
        all.sort(Comparator.comparing(KubernetesEndpoint::address).thenComparingInt(KubernetesEndpoint::port));
        return ServiceEndpoints.of(all);
    }

    /** Counts the Service's endpoints by condition, whatever their ports. */
    public static Counts count(Collection<EndpointSlice> slices) {
        Map<String, KubernetesEndpoint> byAddress = new LinkedHashMap<>();
        for (EndpointSlice slice : sorted(slices)) {
            if (!usable(slice)) {
                continue;
            }
            for (Endpoint endpoint : slice.getEndpoints()) {
                KubernetesEndpoint merged = endpoint(endpoint, 0, 1);
                if (merged != null) {
                    byAddress.merge(merged.address(), merged, EndpointSlices::conservative);
                }
            }
        }
        int ready = 0;
        int serving = 0;
        int terminating = 0;
        for (KubernetesEndpoint endpoint : byAddress.values()) {
            ready += endpoint.takesNewRequests() ? 1 : 0;
            serving += endpoint.serving() ? 1 : 0;
            terminating += endpoint.terminating() ? 1 : 0;
        }
        return new Counts(ready, serving, terminating, byAddress.size());
    }

    private static List<EndpointSlice> sorted(Collection<EndpointSlice> slices) {
        List<EndpointSlice> sorted = new ArrayList<>(slices);
        sorted.sort(Comparator.comparing(slice -> slice.getMetadata().getName()));
        return sorted;
    }

    private static boolean usable(EndpointSlice slice) {
        return ("IPv4".equals(slice.getAddressType()) || "IPv6".equals(slice.getAddressType()))
                && slice.getEndpoints() != null;
    }

    /** The slice's {@link KubernetesEndpoint#WEIGHT_ANNOTATION}, or 1 if absent or not a weight. */
    static int weight(EndpointSlice slice) {
        Map<String, String> annotations =
                slice.getMetadata() == null ? null : slice.getMetadata().getAnnotations();
        String text = annotations == null ? null : annotations.get(KubernetesEndpoint.WEIGHT_ANNOTATION);
        if (text == null) {
            return 1;
        }
        try {
            int weight = Integer.parseInt(text.strip());
            if (weight >= 0 && weight <= MAX_WEIGHT) {
                return weight;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        log.warn(
                "EndpointSlice {}: annotation {}='{}' is not a weight from 0 to {}; using 1",
                slice.getMetadata().getName(),
                KubernetesEndpoint.WEIGHT_ANNOTATION,
                text,
                MAX_WEIGHT);
        return 1;
    }

    private static KubernetesEndpoint endpoint(Endpoint endpoint, int port, int weight) {
        if (endpoint.getAddresses() == null || endpoint.getAddresses().isEmpty()) {
            return null;
        }
        EndpointConditions conditions = endpoint.getConditions();
        Boolean readyCondition = conditions == null ? null : conditions.getReady();
        Boolean servingCondition = conditions == null ? null : conditions.getServing();
        Boolean terminatingCondition = conditions == null ? null : conditions.getTerminating();
        boolean ready = !Boolean.FALSE.equals(readyCondition);
        boolean serving = servingCondition == null ? ready : servingCondition;
        boolean terminating = Boolean.TRUE.equals(terminatingCondition);
        List<String> hintZones =
                endpoint.getHints() == null || endpoint.getHints().getForZones() == null
                        ? List.of()
                        : endpoint.getHints().getForZones().stream()
                                .map(ForZone::getName)
                                .toList();
        return new KubernetesEndpoint(
                endpoint.getAddresses().get(0),
                port,
                ready,
                serving,
                terminating,
                endpoint.getZone(),
                endpoint.getNodeName(),
                hintZones,
                endpoint.getTargetRef() == null ? null : endpoint.getTargetRef().getName(),
                weight);
    }

    private static KubernetesEndpoint conservative(KubernetesEndpoint first, KubernetesEndpoint second) {
        return new KubernetesEndpoint(
                first.address(),
                first.port(),
                first.ready() && second.ready(),
                first.serving() && second.serving(),
                first.terminating() || second.terminating(),
                first.zone() != null ? first.zone() : second.zone(),
                first.nodeName() != null ? first.nodeName() : second.nodeName(),
                first.hintZones().isEmpty() ? second.hintZones() : first.hintZones(),
                first.targetName() != null ? first.targetName() : second.targetName(),
                first.weight());
    }
}
