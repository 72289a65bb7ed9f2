package io.meshgate.config;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.yaml.snakeyaml.nodes.Node;

/** Binds one entry under {@code upstreams:} to an {@link Upstream}. */
final class UpstreamBinder {

    private static final List<String> UPSTREAM_KEYS = Stream.concat(
                    Stream.of("endpoints", "kubernetes", "retryBudget", "circuitBreaker"),
                    Stream.concat(UpstreamPolicyBinder.KEYS.stream(), UpstreamTransportBinder.KEYS.stream()))
            .toList();
    private static final List<String> ENDPOINT_KEYS = List.of("address", "weight");
    private static final List<String> KUBERNETES_KEYS = List.of("service", "namespace", "port");

    // Kubernetes' own rules: Service names are DNS-1035 labels, namespaces DNS-1123 labels, port
    // names IANA service names.
    static final Pattern SERVICE_NAME = Pattern.compile("[a-z]([-a-z0-9]{0,61}[a-z0-9])?");
    static final Pattern NAMESPACE = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
    static final String SERVICE_EXPECTED =
            "a Service name (lower-case letters, digits and '-', starting with a letter, at most 63 characters)";
    static final String NAMESPACE_EXPECTED = "a namespace (lower-case letters, digits and '-', at most 63 characters)";
    private static final Pattern PORT_NAME = Pattern.compile("(?=.*[a-z])[a-z0-9]([-a-z0-9]{0,13}[a-z0-9])?");
    private static final Pattern PORT_NUMBER = Pattern.compile("[0-9]{1,5}");

    private final NodeReader reader;
    private final UpstreamPolicyBinder policyBinder;
    private final UpstreamTransportBinder transportBinder;

    UpstreamBinder(NodeReader reader) {
        this.reader = reader;
        this.policyBinder = new UpstreamPolicyBinder(reader);
        this.transportBinder = new UpstreamTransportBinder(reader);
    }

    /** The upstream, or null if its body is too broken to say where its endpoints come from. */
    Upstream bind(YamlMapping.Entry entry) {
        String name = entry.key();
        if (!Names.isValid(name)) {
            reader.error(entry.keyNode(), Names.invalid("upstream name", name));
        }
        String label = "upstream '" + name + "'";
        YamlMapping body = reader.mapping(
                entry.value(), "an upstream (a mapping with 'endpoints' or 'kubernetes')", label, UPSTREAM_KEYS);
        if (body == null) {
            return null;
        }
        Node endpoints = body.get("endpoints");
        Node kubernetes = body.get("kubernetes");
        if (endpoints != null && kubernetes != null) {
            reader.error(body.node(), label + " has both 'endpoints' and 'kubernetes'; expected exactly one");
            return null;
        }
        if (endpoints == null && kubernetes == null) {
            reader.error(body.node(), label + " has neither 'endpoints' nor 'kubernetes'; expected exactly one");
            return null;
        }
        UpstreamSource source = endpoints != null ? staticEndpoints(endpoints, label) : kubernetes(kubernetes);
        UpstreamPolicy policy = policyBinder.bind(body, label);
        UpstreamTransport transport = transportBinder.bind(body, label);
        return resilience(name, source, policy, transport, reader.location(entry.keyNode()), body);
    }

    /**
     * The upstream with its retry budget and circuit breaker as written in its body, or null without a
     * source (the policies are still checked, so their errors come with the others).
     */
    private Upstream resilience(
            String name,
            UpstreamSource source,
            UpstreamPolicy policy,
            UpstreamTransport transport,
            SourceLocation location,
            YamlMapping body) {
        PolicyBinder policies = new PolicyBinder(reader);
        RetryBudgetPolicy budget =
                body.has("retryBudget") ? policies.retryBudget(body.get("retryBudget")) : RetryBudgetPolicy.DEFAULT;
        CircuitBreakerPolicy breaker =
                body.has("circuitBreaker") ? policies.circuitBreaker(body.get("circuitBreaker"), name) : null;
        return source == null ? null : new Upstream(name, source, policy, location, budget, breaker, transport);
    }

    private StaticEndpoints staticEndpoints(Node node, String label) {
        List<Node> items = reader.list(node, "a list of endpoints");
        if (items == null) {
            return null;
        }
        if (items.isEmpty()) {
            reader.error(node, label + " has no endpoints; expected at least one");
            return null;
        }
        List<StaticEndpoint> endpoints = new ArrayList<>();
        Map<String, Node> seen = new HashMap<>();
        boolean weightsKnown = true;
        long weightSum = 0;
        for (Node item : items) {
            YamlMapping endpoint = reader.mapping(
                    item, "an endpoint (a mapping with 'address' and optional 'weight')", "endpoint", ENDPOINT_KEYS);
            if (endpoint == null) {
                weightsKnown = false;
                continue;
            }
            Integer weight = endpoint.has("weight") ? reader.weight(endpoint.get("weight")) : Integer.valueOf(1);
            if (weight == null) {
                weightsKnown = false;
            } else {
                weightSum += weight;
            }
            Node addressNode = reader.required(endpoint, "address", "endpoint");
            String text = addressNode == null ? null : reader.text(addressNode, "an address such as 10.0.0.1:8080");
            if (text == null) {
                continue;
            }
            EndpointAddress address;
            try {
                address = EndpointAddress.parse(text);
            } catch (IllegalArgumentException e) {
                reader.error(addressNode, e.getMessage());
                continue;
            }
            StaticEndpoint parsed = new StaticEndpoint(
                    address.host(), address.port(), weight == null ? 1 : weight, reader.location(endpoint.node()));
            Node first = seen.putIfAbsent(parsed.address().toLowerCase(Locale.ROOT), addressNode);
            if (first != null) {
                reader.error(
                        addressNode,
                        "endpoint " + parsed.address() + " is listed twice in " + label + " (first at line "
                                + reader.location(first).line() + ")");
                continue;
            }
            endpoints.add(parsed);
        }
        if (weightsKnown && weightSum == 0) {
            reader.error(node, label + ": endpoint weights sum to 0; at least one must be more than 0");
        }
        return new StaticEndpoints(endpoints);
    }

    private KubernetesService kubernetes(Node node) {
        YamlMapping service = reader.mapping(
                node,
                "a Kubernetes Service (a mapping with 'service', 'port' and optional 'namespace')",
                "kubernetes upstream",
                KUBERNETES_KEYS);
        if (service == null) {
            return null;
        }
        String name = checked(service, "service", SERVICE_NAME, SERVICE_EXPECTED);
        String namespace =
                service.has("namespace") ? checked(service, "namespace", NAMESPACE, NAMESPACE_EXPECTED) : "default";
        String port = port(service, "kubernetes upstream");
        return new KubernetesService(name, namespace, port, reader.location(node));
    }

    private String checked(YamlMapping mapping, String key, Pattern pattern, String expected) {
        return checked(mapping, key, pattern, expected, "kubernetes upstream");
    }

    /** A required text key of {@code what} that must match {@code pattern}. */
    String checked(YamlMapping mapping, String key, Pattern pattern, String expected, String what) {
        Node node = reader.required(mapping, key, what);
        String text = node == null ? null : reader.text(node, expected);
        if (text != null && !pattern.matcher(text).matches()) {
            reader.error(node, "invalid " + key + " '" + text + "'; expected " + expected);
        }
        return text;
    }

    /** The {@code port} of a Kubernetes Service mapping ({@code kubernetes:} or an {@code eastWest} entry). */
    String port(YamlMapping service, String what) {
        String expected = "a port number (1 to 65535) or a port name (lower-case letters, digits and '-', "
                + "at most 15 characters)";
        Node node = reader.required(service, "port", what);
        String text = node == null ? null : reader.text(node, expected);
        if (text == null) {
            return null;
        }
        boolean valid = PORT_NUMBER.matcher(text).matches()
                ? Integer.parseInt(text) >= 1 && Integer.parseInt(text) <= 65535
                : PORT_NAME.matcher(text).matches();
        if (!valid) {
            reader.error(node, "invalid port '" + text + "'; expected " + expected);
        }
        return text;
    }
}
