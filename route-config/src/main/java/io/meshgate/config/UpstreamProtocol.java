package io.meshgate.config;

import java.util.Arrays;
import java.util.List;

/** The HTTP version meshgate speaks to an upstream's endpoints: the route-file key {@code protocol}. */
public enum UpstreamProtocol {
    /** HTTP/1.1, over TLS when the upstream has {@code tls} (the default). */
    HTTP1("http1"),
    /** HTTP/2 over plain TCP with prior knowledge (no upgrade): what gRPC servers speak without TLS. */
    H2C("h2c"),
    /** HTTP/2 over TLS, chosen by ALPN: needs {@code tls}. */
    H2("h2");

    private final String key;

    UpstreamProtocol(String key) {
        this.key = key;
    }

    /** The name in route files. */
    public String key() {
        return key;
    }

    /** The protocol a route file names, or null for an unknown name. */
    static UpstreamProtocol named(String key) {
        for (UpstreamProtocol protocol : values()) {
            if (protocol.key.equals(key)) {
                return protocol;
            }
        }
        return null;
    }

    /** The route-file names, for error messages and the schema. */
    static List<String> keys() {
        return Arrays.stream(values()).map(UpstreamProtocol::key).toList();
    }
}
