package io.meshgate.transport;

import io.meshgate.balance.Endpoint;
import io.netty.handler.codec.http.HttpMethod;
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
    private final ConcurrentHashMap<Endpoint, Bound> clients = new ConcurrentHashMap<>();

    public EndpointClients(HttpClient base) {
        this.base = base;
    }

    /** The client connecting to this endpoint. */
    public HttpClient to(Endpoint endpoint) {
        return bound(endpoint).client();
    }

    /**
     * A request with this method to this endpoint, to be given its path with {@code uri(...)}: for GET
     * and POST one made once per endpoint, as Reactor Netty copies the client's configuration for
     * each call of {@code request(method)}.
     */
    public HttpClient.RequestSender request(Endpoint endpoint, HttpMethod method) {
        Bound bound = bound(endpoint);
        if (method == HttpMethod.GET) {
            return bound.get();
        }
        if (method == HttpMethod.POST) {
            return bound.post();
        }
        return bound.client().request(method);
    }

    private Bound bound(Endpoint endpoint) {
        Bound bound = clients.get(endpoint);
        if (bound == null) {
            if (clients.size() >= LIMIT) {
                clients.clear();
            }
            SocketAddress address = AddressUtils.createUnresolved(endpoint.host(), endpoint.port());
            bound = clients.computeIfAbsent(endpoint, e -> Bound.of(base.remoteAddress(() -> address)));
        }
        return bound;
    }

    private record Bound(HttpClient client, HttpClient.RequestSender get, HttpClient.RequestSender post) {
        static Bound of(HttpClient client) {
            return new Bound(client, client.request(HttpMethod.GET), client.request(HttpMethod.POST));
        }
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
