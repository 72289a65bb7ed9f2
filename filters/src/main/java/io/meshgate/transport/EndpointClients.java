package io.meshgate.transport;

import io.meshgate.balance.Endpoint;
import java.net.SocketAddress;
import java.util.concurrent.ConcurrentHashMap;
import reactor.netty.http.client.HttpClient;
import reactor.netty.transport.AddressUtils;

/**
 * One HTTP client per endpoint, each bound to the endpoint's address, so an attempt is sent with
 * the request's own path ({@code .uri("/orders?id=7")}) instead of an absolute URL: Reactor Netty
 * parses an absolute URL with a regular expression on every request, which took 1.7% of the proxy's
 * CPU. The clients share the base client's connection pool and settings; they are made on first use
 * and forgotten all at once when endpoints have come and gone more than {@link #LIMIT} times.
 */
public final class EndpointClients {

    static final int LIMIT = 4096;

    private final HttpClient base;
    private final ConcurrentHashMap<Endpoint, HttpClient> clients = new ConcurrentHashMap<>();

    public EndpointClients(HttpClient base) {
        this.base = base;
    }

    /** The client connecting to this endpoint. */
    public HttpClient to(Endpoint endpoint) {
        HttpClient client = clients.get(endpoint);
        if (client == null) {
            if (clients.size() >= LIMIT) {
                clients.clear();
            }
            SocketAddress address = AddressUtils.createUnresolved(endpoint.host(), endpoint.port());
            client = clients.computeIfAbsent(endpoint, e -> base.remoteAddress(() -> address));
        }
        return client;
    }

    /** The base client, for requests whose target is not a path (such as {@code OPTIONS *}). */
    public HttpClient base() {
        return base;
    }

    /** Clients made so far and still held. */
    int size() {
        return clients.size();
    }
}
