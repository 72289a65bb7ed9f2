package io.meshgate.config;

import java.nio.file.Path;

/**
 * TLS from meshgate to an upstream's endpoints (the route-file key {@code tls}): whom to trust,
 * which name to expect, and the client certificate to show for mutual TLS.
 *
 * @param ca the PEM file of the certificate authorities to trust, or null for the JVM's trust store
 * @param cert the PEM client certificate (chain) shown to the upstream, or null for none
 * @param key the PEM private key of {@code cert}, or null for none
 * @param serverName the name sent by SNI and checked against the upstream's certificate, or null for
 *     the endpoint's host (an IP for most endpoints, so the certificate then needs that IP)
 * @param insecureSkipVerify whether to trust any certificate for any name (testing only)
 * @param location where {@code tls} is written, for errors about its files
 */
public record UpstreamTls(
        Path ca, Path cert, Path key, String serverName, boolean insecureSkipVerify, SourceLocation location) {

    /** {@code tls: true}: the JVM's trust store, the endpoint's host checked, no client certificate. */
    public static UpstreamTls system(SourceLocation location) {
        return new UpstreamTls(null, null, null, null, false, location);
    }
}
