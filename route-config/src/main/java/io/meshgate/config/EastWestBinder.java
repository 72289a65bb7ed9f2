package io.meshgate.config;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;

/** Binds one item under {@code eastWest:} to an {@link EastWest}. */
final class EastWestBinder {

    private static final List<String> KEYS = List.of("namespace", "services", "port", "authorization");

    private final NodeReader reader;
    private final UpstreamBinder upstreamBinder;
    private final AuthorizationBinder authorizationBinder;

    EastWestBinder(NodeReader reader) {
        this.reader = reader;
        this.upstreamBinder = new UpstreamBinder(reader);
        this.authorizationBinder = new AuthorizationBinder(reader);
    }

    /** The entry, or null if it is too broken to name its Services. */
    EastWest bind(Node node) {
        YamlMapping entry = reader.mapping(
                node, "an eastWest entry (a mapping with 'namespace', 'services' and 'port')", "eastWest entry", KEYS);
        if (entry == null) {
            return null;
        }
        String namespace = upstreamBinder.checked(
                entry, "namespace", UpstreamBinder.NAMESPACE, UpstreamBinder.NAMESPACE_EXPECTED, "eastWest entry");
        List<String> services = services(entry);
        String port = upstreamBinder.port(entry, "eastWest entry");
        MeshAuthorization authorization =
                entry.has("authorization") ? authorizationBinder.bind(entry.get("authorization")) : null;
        if (namespace == null || port == null || services.isEmpty()) {
            return null;
        }
        return new EastWest(namespace, services, port, authorization, reader.location(node));
    }

    private List<String> services(YamlMapping entry) {
        Node node = reader.required(entry, "services", "eastWest entry");
        List<ScalarNode> items = node == null ? null : reader.textOrList(node, "a Service name", "services");
        if (items == null) {
            return List.of();
        }
        List<String> services = new ArrayList<>();
        Map<String, ScalarNode> seen = new HashMap<>();
        for (ScalarNode item : items) {
            String service = item.getValue();
            if (!UpstreamBinder.SERVICE_NAME.matcher(service).matches()) {
                reader.error(item, "invalid service '" + service + "'; expected " + UpstreamBinder.SERVICE_EXPECTED);
            } else if (seen.putIfAbsent(service, item) != null) {
                reader.error(item, "service '" + service + "' is listed twice");
            } else {
                services.add(service);
            }
        }
        return services;
    }
}
