package io.meshgate.balance;

/**
 * One address traffic can be sent to. Its address and base URL are built once, so routing a request
 * only appends the path.
 *
 * @param host IP literal or host name (IPv6 without brackets)
 * @param port TCP port
 * @param weight relative weight for weighted balancers; endpoints of weight 0 take no traffic
 * @param address {@code host:port}, with brackets around IPv6 literals: also the {@code Host} header
 *     sent to the endpoint
 * @param baseUrl {@code http://} and the address
 */
public record Endpoint(String host, int port, int weight, String address, String baseUrl) {

    public static Endpoint of(String host, int port, int weight) {
        String address = (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
        return new Endpoint(host, port, weight, address, "http://" + address);
    }
}
