package io.meshgate.config;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.Tag;

/** Binds a route's {@code match:} mapping to a {@link RouteMatch}. */
final class MatchBinder {

    private static final List<String> MATCH_KEYS = List.of("host", "path", "methods", "headers", "query");
    private static final List<String> VALUE_KEYS = List.of("exact", "prefix", "regex", "present");

    /** The methods a gateway routes; CONNECT is not among them (it is for proxies, not routes). */
    static final List<String> METHODS = List.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE");

    // RFC 9110 token: the characters a header field name may have.
    private static final Pattern HEADER_NAME = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");
    private static final Pattern IPV6_HOST = Pattern.compile("\\[[0-9A-Fa-f:.]+]");

    private final NodeReader reader;

    MatchBinder(NodeReader reader) {
        this.reader = reader;
    }

    RouteMatch bind(Node node) {
        List<String> hosts = new ArrayList<>();
        List<String> paths = new ArrayList<>();
        Set<String> methods = new LinkedHashSet<>();
        List<ValueMatch> headers = new ArrayList<>();
        List<ValueMatch> query = new ArrayList<>();
        YamlMapping match = reader.mapping(node, "a match (a mapping)", "route match", MATCH_KEYS);
        if (match != null) {
            if (match.has("host")) {
                hosts(match.get("host"), hosts);
            }
            if (match.has("path")) {
                paths(match.get("path"), paths);
            }
            if (match.has("methods")) {
                methods(match.get("methods"), methods);
            }
            if (match.has("headers")) {
                headers(match.get("headers"), headers);
            }
            if (match.has("query")) {
                query(match.get("query"), query);
            }
        }
        return new RouteMatch(hosts, paths, methods, headers, query, reader.location(node));
    }

    private void hosts(Node node, List<String> hosts) {
        List<ScalarNode> items = reader.textOrList(node, "a host such as api.example.com", "host");
        for (ScalarNode item : items == null ? List.<ScalarNode>of() : items) {
            String host = item.getValue().toLowerCase(Locale.ROOT);
            String name = host.startsWith("*.") ? host.substring(2) : host;
            if (host.equals("*") || IPV6_HOST.matcher(host).matches() || EndpointAddress.isHostName(name)) {
                hosts.add(host);
            } else if (host.indexOf(':') >= 0) {
                reader.error(item, "invalid host '" + item.getValue() + "'; a host pattern has no port");
            } else {
                reader.error(
                        item,
                        "invalid host '" + item.getValue()
                                + "'; expected a host name (api.example.com), a leading wildcard (*.example.com) or *");
            }
        }
    }

    private void paths(Node node, List<String> paths) {
        List<ScalarNode> items = reader.textOrList(node, "a path pattern such as /orders/**", "path");
        for (ScalarNode item : items == null ? List.<ScalarNode>of() : items) {
            if (item.getValue().startsWith("/")) {
                paths.add(item.getValue());
            } else {
                reader.error(item, "path '" + item.getValue() + "' must start with '/'");
            }
        }
    }

    private void methods(Node node, Set<String> methods) {
        List<ScalarNode> items = reader.textOrList(node, "an HTTP method such as GET", "methods");
        for (ScalarNode item : items == null ? List.<ScalarNode>of() : items) {
            String method = item.getValue().toUpperCase(Locale.ROOT);
            if (METHODS.contains(method)) {
                methods.add(method);
            } else {
                reader.error(
                        item,
                        "unknown HTTP method '" + item.getValue() + "'; expected one of: "
                                + String.join(", ", METHODS));
            }
        }
    }

    private void headers(Node node, List<ValueMatch> headers) {
        YamlMapping mapping = reader.mapping(node, "a mapping of header names to values");
        if (mapping == null) {
            return;
        }
        // Header names are case-insensitive, so X-Env and x-env are the same header twice.
        Map<String, Node> seen = new HashMap<>();
        for (YamlMapping.Entry entry : mapping.entries()) {
            String name = entry.key();
            if (!HEADER_NAME.matcher(name).matches()) {
                reader.error(entry.keyNode(), "invalid header name '" + name + "'");
                continue;
            }
            Node first = seen.putIfAbsent(name.toLowerCase(Locale.ROOT), entry.keyNode());
            if (first != null) {
                reader.error(
                        entry.keyNode(),
                        "header '" + name + "' is matched twice (first at line "
                                + reader.location(first).line() + "); header names are case-insensitive");
                continue;
            }
            ValueMatch match = value(entry, "header");
            if (match != null) {
                headers.add(match);
            }
        }
    }

    private void query(Node node, List<ValueMatch> query) {
        YamlMapping mapping = reader.mapping(node, "a mapping of query parameter names to values");
        if (mapping == null) {
            return;
        }
        for (YamlMapping.Entry entry : mapping.entries()) {
            if (entry.key().isEmpty()) {
                reader.error(entry.keyNode(), "a query parameter name cannot be empty");
                continue;
            }
            ValueMatch match = value(entry, "query parameter");
            if (match != null) {
                query.add(match);
            }
        }
    }

    /** One condition: a plain value (exact) or a mapping with exactly one of the value keys. */
    private ValueMatch value(YamlMapping.Entry entry, String what) {
        String name = entry.key();
        SourceLocation location = reader.location(entry.keyNode());
        Node node = entry.value();
        if (node instanceof ScalarNode scalar && !scalar.getTag().equals(Tag.NULL)) {
            return new ValueMatch(name, ValueMatch.Kind.EXACT, scalar.getValue(), location);
        }
        if (!(node instanceof MappingNode)) {
            reader.error(
                    node,
                    "expected a value or a mapping with one of: " + String.join(", ", VALUE_KEYS) + ", got "
                            + NodeReader.describe(node));
            return null;
        }
        YamlMapping form = reader.mapping(node, "a mapping", what + " match '" + name + "'", VALUE_KEYS);
        List<String> keys = form.entries().stream()
                .map(YamlMapping.Entry::key)
                .filter(VALUE_KEYS::contains)
                .toList();
        if (keys.size() > 1) {
            reader.error(
                    node,
                    what + " match '" + name + "' has " + keys.size() + " keys (" + String.join(", ", keys)
                            + "); expected exactly one of: " + String.join(", ", VALUE_KEYS));
            return null;
        }
        if (keys.isEmpty()) {
            if (form.entries().isEmpty()) {
                reader.error(
                        node,
                        what + " match '" + name + "' is empty; expected one of: " + String.join(", ", VALUE_KEYS));
            }
            return null;
        }
        String key = keys.get(0);
        Node valueNode = form.get(key);
        String value = reader.text(valueNode, key.equals("present") ? "true" : "a value");
        if (value == null) {
            return null;
        }
        switch (key) {
            case "exact":
                return new ValueMatch(name, ValueMatch.Kind.EXACT, value, location);
            case "prefix":
                return new ValueMatch(name, ValueMatch.Kind.PREFIX, value, location);
            case "regex":
                try {
                    Pattern.compile(value);
                } catch (PatternSyntaxException e) {
                    reader.error(
                            valueNode,
                            "invalid regex '" + value + "': " + e.getDescription() + " near index " + e.getIndex());
                    return null;
                }
                return new ValueMatch(name, ValueMatch.Kind.REGEX, value, location);
            default:
                if (!value.equalsIgnoreCase("true")) {
                    reader.error(
                            valueNode,
                            "expected 'present: true', got '" + value + "' (matching an absent " + what
                                    + " is not supported)");
                    return null;
                }
                return new ValueMatch(name, ValueMatch.Kind.PRESENT, null, location);
        }
    }
}
