package io.meshgate.config;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;

/**
 * Binds an upstream's {@code protocol} and {@code tls} keys to its {@link UpstreamTransport}. File
 * paths are resolved against the route file's directory and must name readable files; whether they
 * hold valid PEM is checked by the gateway when it builds the client (still before the configuration
 * is taken).
 */
final class UpstreamTransportBinder {

    static final List<String> KEYS = List.of("protocol", "tls");
    private static final List<String> TLS_KEYS = List.of("ca", "cert", "key", "serverName", "insecureSkipVerify");
    private static final String TLS_EXPECTED =
            "true, false or a mapping with optional 'ca', 'cert', 'key', 'serverName', 'insecureSkipVerify'";

    private final NodeReader reader;

    UpstreamTransportBinder(NodeReader reader) {
        this.reader = reader;
    }

    UpstreamTransport bind(YamlMapping body, String label) {
        UpstreamTls tls = body.has("tls") ? tls(body.get("tls"), label) : null;
        UpstreamProtocol protocol = UpstreamProtocol.HTTP1;
        Node protocolNode = body.get("protocol");
        if (protocolNode != null) {
            String name = reader.text(protocolNode, "a protocol (" + String.join(", ", UpstreamProtocol.keys()) + ")");
            if (name != null) {
                UpstreamProtocol named = UpstreamProtocol.named(name);
                if (named == null) {
                    reader.error(
                            protocolNode,
                            "unknown protocol '" + name + "'; expected one of: "
                                    + String.join(", ", UpstreamProtocol.keys()));
                } else {
                    protocol = named;
                }
            }
            if (protocol == UpstreamProtocol.H2 && tls == null) {
                reader.error(
                        protocolNode,
                        label + " has protocol 'h2', which is HTTP/2 over TLS, but no 'tls'; add 'tls: true' (or its"
                                + " settings), or use 'h2c' for HTTP/2 without TLS");
            }
            if (protocol == UpstreamProtocol.H2C && tls != null) {
                reader.error(
                        protocolNode,
                        label + " has protocol 'h2c', which is HTTP/2 without TLS, and 'tls'; use 'h2' for HTTP/2"
                                + " over TLS");
            }
        }
        return protocol == UpstreamProtocol.HTTP1 && tls == null
                ? UpstreamTransport.PLAIN
                : new UpstreamTransport(protocol, tls);
    }

    /** {@code true} for the system trust store, {@code false} (or null) for none, or the settings. */
    private UpstreamTls tls(Node node, String label) {
        SourceLocation location = reader.location(node);
        if (node instanceof ScalarNode scalar
                && ("true".equals(scalar.getValue()) || "false".equals(scalar.getValue()))) {
            return "true".equals(scalar.getValue()) ? UpstreamTls.system(location) : null;
        }
        YamlMapping tls = reader.mapping(node, TLS_EXPECTED, "tls", TLS_KEYS);
        if (tls == null) {
            return null;
        }
        Path ca = file(tls, "ca", "the PEM file of the certificate authorities to trust");
        Path cert = file(tls, "cert", "the PEM file of the client certificate");
        Path key = file(tls, "key", "the PEM file of the client certificate's private key");
        if (tls.has("cert") != tls.has("key")) {
            reader.error(
                    node,
                    label + " tls has '" + (tls.has("cert") ? "cert" : "key") + "' without '"
                            + (tls.has("cert") ? "key" : "cert") + "'; a client certificate needs both");
        }
        String serverName = null;
        Node nameNode = tls.get("serverName");
        if (nameNode != null) {
            serverName = reader.text(nameNode, "a DNS name such as orders.internal");
            if (serverName != null && !serverName.matches("[A-Za-z0-9]([-A-Za-z0-9.]*[A-Za-z0-9])?")) {
                reader.error(
                        nameNode,
                        "invalid serverName '" + serverName + "'; expected a DNS name such as orders.internal");
            }
        }
        boolean skipVerify = false;
        Node skipNode = tls.get("insecureSkipVerify");
        if (skipNode != null) {
            String text = reader.text(skipNode, "true or false");
            if ("true".equals(text)) {
                skipVerify = true;
            } else if (text != null && !"false".equals(text)) {
                reader.error(skipNode, "expected true or false, got '" + text + "'");
            }
        }
        if (skipVerify && ca != null) {
            reader.error(
                    skipNode, label + " tls has both 'ca' and 'insecureSkipVerify: true'; the CA would be ignored");
        }
        return new UpstreamTls(ca, cert, key, serverName, skipVerify, location);
    }

    /** The path under {@code key}, resolved against the route file's directory, if it is a readable file. */
    private Path file(YamlMapping tls, String key, String expected) {
        Node node = tls.get(key);
        if (node == null) {
            return null;
        }
        String text = reader.text(node, expected);
        if (text == null) {
            return null;
        }
        Path path;
        try {
            path = base().resolve(text).normalize();
        } catch (InvalidPathException e) {
            reader.error(node, "invalid path '" + text + "' in tls " + key + "; expected " + expected);
            return null;
        }
        String relative = Path.of(text).isAbsolute() ? "" : " (relative to the route file's directory)";
        if (!Files.isRegularFile(path)) {
            reader.error(
                    node, "tls " + key + " file " + text + " does not exist" + relative + "; expected " + expected);
            return null;
        }
        if (!Files.isReadable(path)) {
            reader.error(
                    node, "tls " + key + " file " + text + " is not readable" + relative + "; expected " + expected);
            return null;
        }
        return path;
    }

    /** The directory of the route file, which relative paths are taken from. */
    private Path base() {
        Path parent = Path.of(reader.file()).toAbsolutePath().getParent();
        return parent != null ? parent : Path.of("").toAbsolutePath();
    }
}
