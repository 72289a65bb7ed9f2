package io.meshgate.balance;

/**
 * One address traffic can be sent to. The base URL is built once, so routing a request only
 * appends the path.
 *
 * @param host IP literal or host name (IPv6 without brackets)
 * @param port TCP port
 * @param weight relative weight for weighted balancers; endpoints of weight 0 take no traffic
 */
public record Endpoint(String host, int port, int weight, String baseUrl) {

    public static Endpoint of(String host, int port, int weight) {
        String authority = (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
        return new Endpoint(host, port, weight, "http://" + authority);
    }

    /** {@code host:port}, with brackets around IPv6 literals. */
    public String address() {
        return baseUrl.substring("http://".length());
    }
}
