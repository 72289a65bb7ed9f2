package io.meshgate.config;

/**
 * How meshgate connects to an upstream's endpoints: the HTTP version and, optionally, TLS. Equal
 * transports can share one HTTP client, so a reload that leaves them alone keeps the client.
 *
 * @param protocol the HTTP version ({@link UpstreamProtocol#HTTP1} when not written)
 * @param tls TLS to the endpoints, or null for plain TCP
 */
public record UpstreamTransport(UpstreamProtocol protocol, UpstreamTls tls) {

    /** Plain HTTP/1.1: what an upstream without {@code protocol} or {@code tls} gets. */
    public static final UpstreamTransport PLAIN = new UpstreamTransport(UpstreamProtocol.HTTP1, null);

    /** Whether this is the plain HTTP/1.1 transport, which uses the gateway's shared client. */
    public boolean isPlain() {
        return protocol == UpstreamProtocol.HTTP1 && tls == null;
    }
}
