package io.meshgate.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;

/** Binds one item under {@code routes:} to a {@link Route}. */
final class RouteBinder {

    private static final List<String> ROUTE_KEYS =
            List.of("id", "match", "backends", "upstream", "timeout", "filters", "retry", "listeners", "authorization");
    private static final List<String> BACKEND_KEYS = List.of("upstream", "weight");

    // Spring Cloud Gateway's shortcut syntax: a factory name, then optionally '=' and arguments.
    private static final Pattern FILTER = Pattern.compile("[A-Za-z][A-Za-z0-9]*(=.*)?", Pattern.DOTALL);

    private final NodeReader reader;
    private final MatchBinder matchBinder;
    private final PolicyBinder policyBinder;
    private final AuthorizationBinder authorizationBinder;

    RouteBinder(NodeReader reader) {
        this.reader = reader;
        this.matchBinder = new MatchBinder(reader);
        this.policyBinder = new PolicyBinder(reader);
        this.authorizationBinder = new AuthorizationBinder(reader);
    }

    /** The route, or null if the node is not a mapping at all. */
    Route bind(Node node) {
        YamlMapping route = reader.mapping(node, "a route (a mapping with 'id' and 'backends')", "route", ROUTE_KEYS);
        if (route == null) {
            return null;
        }
        String id = id(route);
        String label = id == null ? "route" : "route '" + id + "'";
        SourceLocation location = reader.location(node);
        RouteMatch match = route.has("match") ? matchBinder.bind(route.get("match")) : RouteMatch.any(location);
        List<Backend> backends = backends(route, label);
        Duration timeout = route.has("timeout") ? timeout(route.get("timeout")) : Route.DEFAULT_TIMEOUT;
        List<FilterSpec> filters = route.has("filters") ? filters(route.get("filters")) : List.of();
        RetryPolicy retry = route.has("retry") ? policyBinder.retry(route.get("retry"), timeout) : RetryPolicy.DEFAULT;
        MeshAuthorization authorization =
                route.has("authorization") ? authorizationBinder.bind(route.get("authorization")) : null;
        Set<Listener> listeners = listeners(route, label);
        return new Route(id, match, backends, timeout, filters, location, retry, listeners, authorization);
    }

    /**
     * The route's listeners: as written, else the mesh listener for a route with an authorization
     * (which is only meaningful there), else {@link Route#DEFAULT_LISTENERS}.
     */
    private Set<Listener> listeners(YamlMapping route, String label) {
        Node node = route.get("listeners");
        if (node == null) {
            return route.has("authorization") ? Set.of(Listener.MESH) : Route.DEFAULT_LISTENERS;
        }
        List<ScalarNode> items = reader.textOrList(node, "a listener (public or mesh)", "listeners");
        if (items == null) {
            return Route.DEFAULT_LISTENERS;
        }
        Set<Listener> listeners = EnumSet.noneOf(Listener.class);
        for (ScalarNode item : items) {
            Listener listener = Listener.of(item.getValue());
            if (listener == null) {
                reader.error(item, "unknown listener '" + item.getValue() + "'; expected public or mesh");
            } else if (!listeners.add(listener)) {
                reader.error(item, "listener '" + item.getValue() + "' is listed twice");
            }
        }
        if (route.has("authorization") && !listeners.isEmpty() && !listeners.contains(Listener.MESH)) {
            reader.error(
                    route.keyNode("authorization"),
                    label + " has an authorization but is not on the mesh listener, the only one with client"
                            + " identities; add mesh to its listeners");
        }
        return listeners.isEmpty() ? Route.DEFAULT_LISTENERS : listeners;
    }

    private String id(YamlMapping route) {
        Node node = reader.required(route, "id", "route");
        String id = node == null ? null : reader.text(node, "a route id");
        if (id != null && !Names.isValid(id)) {
            reader.error(node, Names.invalid("route id", id));
        }
        return id;
    }

    private List<Backend> backends(YamlMapping route, String label) {
        Node upstream = route.get("upstream");
        Node backends = route.get("backends");
        if (upstream != null && backends != null) {
            reader.error(
                    route.keyNode("upstream"),
                    label
                            + " has both 'upstream' and 'backends'; use 'upstream' for one backend, 'backends' for several");
            return backendList(backends, label);
        }
        if (upstream != null) {
            String name = reader.text(upstream, "an upstream name");
            return name == null ? List.of() : List.of(new Backend(name, 1, reader.location(upstream)));
        }
        if (backends != null) {
            return backendList(backends, label);
        }
        reader.error(
                route.node(), label + " has no backends; add 'backends' (a list) or 'upstream' (one upstream name)");
        return List.of();
    }

    private List<Backend> backendList(Node node, String label) {
        List<Node> items = reader.list(node, "a list of backends");
        if (items == null) {
            return List.of();
        }
        if (items.isEmpty()) {
            reader.error(node, label + " has no backends; expected at least one");
            return List.of();
        }
        List<Backend> backends = new ArrayList<>();
        Map<String, Node> seen = new HashMap<>();
        boolean weightsKnown = true;
        long weightSum = 0;
        for (Node item : items) {
            YamlMapping backend = reader.mapping(
                    item, "a backend (a mapping with 'upstream' and optional 'weight')", "backend", BACKEND_KEYS);
            if (backend == null) {
                weightsKnown = false;
                continue;
            }
            Integer weight = backend.has("weight") ? reader.weight(backend.get("weight")) : Integer.valueOf(1);
            if (weight == null) {
                weightsKnown = false;
            } else {
                weightSum += weight;
            }
            Node upstream = reader.required(backend, "upstream", "backend");
            String name = upstream == null ? null : reader.text(upstream, "an upstream name");
            if (name == null) {
                continue;
            }
            Node first = seen.putIfAbsent(name, upstream);
            if (first != null) {
                reader.error(
                        upstream,
                        "upstream '" + name + "' is a backend of " + label + " twice (first at line "
                                + reader.location(first).line() + ")");
                continue;
            }
            backends.add(new Backend(name, weight == null ? 1 : weight, reader.location(upstream)));
        }
        if (weightsKnown && weightSum == 0) {
            reader.error(node, label + ": backend weights sum to 0; at least one must be more than 0");
        }
        return backends;
    }

    private Duration timeout(Node node) {
        String text = reader.text(node, "a duration such as 5s");
        if (text == null) {
            return Route.DEFAULT_TIMEOUT;
        }
        try {
            Duration timeout = DurationParser.parse(text);
            if (timeout.isZero()) {
                reader.error(node, "timeout must be more than 0, got '" + text + "'");
            }
            return timeout;
        } catch (IllegalArgumentException e) {
            reader.error(node, e.getMessage());
            return Route.DEFAULT_TIMEOUT;
        }
    }

    private List<FilterSpec> filters(Node node) {
        List<Node> items = reader.list(node, "a list of strings");
        if (items == null) {
            return List.of();
        }
        List<FilterSpec> filters = new ArrayList<>();
        for (Node item : items) {
            String text = reader.text(item, "a filter such as StripPrefix=1");
            if (text == null) {
                continue;
            }
            if (!FILTER.matcher(text).matches()) {
                reader.error(
                        item,
                        "invalid filter '" + text
                                + "'; expected a filter name and its arguments, such as StripPrefix=1");
                continue;
            }
            filters.add(new FilterSpec(text, reader.location(item)));
        }
        return filters;
    }
}
