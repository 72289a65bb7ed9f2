package io.meshgate.app.upstream;

import io.meshgate.balance.Endpoint;
import io.meshgate.health.HealthCheckPolicy;
import io.meshgate.transport.UpstreamClient;
import io.netty.handler.codec.http.HttpHeaderNames;
import java.util.concurrent.CompletionStage;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;

/**
 * One active health-check probe: {@code GET path} on the endpoint with the upstream client (its
 * connect timeout, its connection pool), answering the status, or failing when there is none within
 * the policy's timeout.
 */
public final class HealthProbe {

    static final String USER_AGENT = "meshgate-health-check";

    private final HttpClient client;

    public HealthProbe(HttpClient client) {
        this.client = client;
    }

    /**
     * @param upstreamClient the upstream's own client (TLS, h2c, h2), or null for the shared one
     */
    public CompletionStage<Integer> probe(UpstreamClient upstreamClient, Endpoint endpoint, HealthCheckPolicy policy) {
        HttpClient http = upstreamClient == null ? client : upstreamClient.httpClient();
        return http.headers(headers -> headers.set(HttpHeaderNames.USER_AGENT, USER_AGENT)
                        .set(HttpHeaderNames.HOST, endpoint.address()))
                .responseTimeout(policy.timeout())
                .get()
                .uri(UpstreamClient.baseUrl(upstreamClient, endpoint) + policy.path())
                .responseSingle((response, body) ->
                        body.then(Mono.just(response.status().code())))
                .timeout(policy.timeout().plusMillis(100))
                .toFuture();
    }
}
