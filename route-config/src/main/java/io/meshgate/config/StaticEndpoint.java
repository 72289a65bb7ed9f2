package io.meshgate.config;

/**
 * One endpoint of a static upstream.
 *
 * @param host an IPv4/IPv6 literal or a host name (IPv6 without brackets)
 * @param port 1..65535
 * @param weight relative weight, 0 or more (0 drains the endpoint); default 1
 */
public record StaticEndpoint(String host, int port, int weight, SourceLocation location) {

    /** {@code host:port}, with brackets around IPv6 literals. */
    public String address() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }
}
