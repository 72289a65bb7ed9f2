package io.meshgate.transport;

import io.meshgate.balance.Endpoint;
import reactor.netty.http.client.HttpClient;

/**
 * The HTTP client of an upstream that does not speak plain HTTP/1.1 (TLS, h2c or h2): set on its
 * {@link io.meshgate.balance.UpstreamPool}, so both request paths send the upstream's attempts through
 * it. Plain upstreams have none and use the gateway's shared client: nothing changes for them.
 */
public final class UpstreamClient {

    private final HttpClient client;
    private final EndpointClients endpoints;
    private final boolean secure;
    private final String description;

    /**
     * @param client the client, built once from the shared one with the upstream's TLS and protocol
     * @param secure whether the endpoints are reached over TLS ({@code https} URLs)
     * @param description what the client speaks, for logs and the admin view (such as "h2c")
     */
    public UpstreamClient(HttpClient client, boolean secure, String description) {
        this.client = client;
        this.endpoints = new EndpointClients(client);
        this.secure = secure;
        this.description = description;
    }

    public HttpClient httpClient() {
        return client;
    }

    /** This upstream's client bound to the endpoint (send it the request's path, not a URL). */
    public HttpClient to(Endpoint endpoint) {
        return endpoints.to(endpoint);
    }

    public boolean secure() {
        return secure;
    }

    /** The endpoint's URL without a path: {@code https://} and its address over TLS, else its own. */
    public String baseUrl(Endpoint endpoint) {
        return secure ? "https://" + endpoint.address() : endpoint.baseUrl();
    }

    /** The base URL of the endpoint for an upstream with this client or, when null, the shared one. */
    public static String baseUrl(UpstreamClient client, Endpoint endpoint) {
        return client == null ? endpoint.baseUrl() : client.baseUrl(endpoint);
    }

    @Override
    public String toString() {
        return description;
    }
}
