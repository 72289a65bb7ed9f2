package io.meshgate.config;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;

/** Binds an {@code authorization:} mapping (of a route or an {@code eastWest} entry) to a {@link MeshAuthorization}. */
final class AuthorizationBinder {

    static final String ANY_IDENTITY = "*";

    private static final List<String> AUTHORIZATION_KEYS = List.of("allow");
    private static final List<String> ALLOW_KEYS = List.of("identities", "namespaces");

    // SPIFFE ID: spiffe://<trust domain>/<path>, path segments of letters, digits, '.', '-', '_'
    // (not '.' or '..'), as the SPIFFE ID specification says.
    private static final Pattern SPIFFE_ID =
            Pattern.compile("spiffe://[a-z0-9._-]+(/(?!\\.{1,2}(/|$))[A-Za-z0-9._-]+)+");
    private static final Pattern DNS_NAME =
            Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)*");
    private static final String IDENTITY_FORMS =
            "a SPIFFE ID such as spiffe://cluster.local/ns/shop/sa/frontend, a DNS name, or '*' for any verified identity";

    private final NodeReader reader;

    AuthorizationBinder(NodeReader reader) {
        this.reader = reader;
    }

    /** The authorization, or null after reporting errors that leave nothing to bind. */
    MeshAuthorization bind(Node node) {
        YamlMapping authorization =
                reader.mapping(node, "an authorization (a mapping with 'allow')", "authorization", AUTHORIZATION_KEYS);
        if (authorization == null) {
            return null;
        }
        Node allowNode = reader.required(authorization, "allow", "authorization");
        if (allowNode == null) {
            return null;
        }
        YamlMapping allow = reader.mapping(
                allowNode,
                "who is allowed (a mapping with 'identities' and/or 'namespaces')",
                "authorization 'allow'",
                ALLOW_KEYS);
        if (allow == null) {
            return null;
        }
        if (!allow.has("identities") && !allow.has("namespaces")) {
            if (allow.entries().isEmpty()) { // else an unknown key was reported, which says it better
                reader.error(allowNode, "authorization 'allow' names no one; add 'identities' or 'namespaces'");
            }
            return null;
        }
        Set<String> identities = new LinkedHashSet<>();
        boolean any = false;
        if (allow.has("identities")) {
            for (ScalarNode item : items(allow.get("identities"), "an identity", "identities")) {
                String identity = item.getValue();
                if (identity.equals(ANY_IDENTITY)) {
                    any = true;
                } else if (SPIFFE_ID.matcher(identity).matches()
                        || (!identity.contains(":")
                                && DNS_NAME.matcher(identity).matches())) {
                    identities.add(identity);
                } else {
                    reader.error(item, "invalid identity '" + identity + "'; expected " + IDENTITY_FORMS);
                }
            }
        }
        Set<String> namespaces = new LinkedHashSet<>();
        if (allow.has("namespaces")) {
            for (ScalarNode item : items(allow.get("namespaces"), "a namespace", "namespaces")) {
                String namespace = item.getValue();
                if (UpstreamBinder.NAMESPACE.matcher(namespace).matches()) {
                    namespaces.add(namespace);
                } else {
                    reader.error(
                            item,
                            "invalid namespace '" + namespace + "'; expected " + UpstreamBinder.NAMESPACE_EXPECTED);
                }
            }
        }
        return new MeshAuthorization(identities, namespaces, any, reader.location(node));
    }

    private List<ScalarNode> items(Node node, String expected, String key) {
        List<ScalarNode> items = reader.textOrList(node, expected, key);
        return items == null ? List.of() : items;
    }
}
