package io.meshgate.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.meshgate.balance.Endpoint;
import io.netty.handler.codec.http.HttpMethod;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.server.HttpServer;

class EndpointClientsTest {

    private DisposableServer first;
    private DisposableServer second;

    @BeforeEach
    void startTwoServers() {
        first = server("first");
        second = server("second");
    }

    @AfterEach
    void stop() {
        first.disposeNow();
        second.disposeNow();
    }

    @Test
    void sendsThePathToTheEndpointsAddress() {
        EndpointClients clients = new EndpointClients(HttpClient.create());

        assertThat(get(clients.to(endpoint(first)), "/a?b=c")).isEqualTo("first GET /a?b=c");
        assertThat(get(clients.to(endpoint(second)), "/x")).isEqualTo("second GET /x");
        for (HttpMethod method : List.of(HttpMethod.GET, HttpMethod.POST, HttpMethod.PUT)) {
            String answer = clients.to(endpoint(second))
                    .request(method)
                    .uri("/m")
                    .responseContent()
                    .aggregate()
                    .asString()
                    .block(Duration.ofSeconds(10));
            assertThat(answer).isEqualTo("second " + method.name() + " /m");
        }
    }

    @Test
    void keepsOneClientPerEndpointAndForgetsThemAllPastTheLimit() {
        EndpointClients clients = new EndpointClients(HttpClient.create());
        HttpClient client = clients.to(endpoint(first));

        assertThat(clients.to(Endpoint.of("127.0.0.1", first.port(), 1))).isSameAs(client);
        assertThat(clients.to(endpoint(second))).isNotSameAs(client);
        for (int port = 1; clients.size() < EndpointClients.LIMIT; port++) {
            clients.to(Endpoint.of("10.0.0.1", port, 1));
        }
        clients.to(Endpoint.of("10.0.0.2", 1, 1));
        assertThat(clients.size()).isEqualTo(1);
        assertThat(get(clients.to(endpoint(first)), "/again")).isEqualTo("first GET /again");
    }

    private static Endpoint endpoint(DisposableServer server) {
        return Endpoint.of("127.0.0.1", server.port(), 1);
    }

    private static String get(HttpClient client, String path) {
        return client.get().uri(path).responseContent().aggregate().asString().block(Duration.ofSeconds(10));
    }

    private static DisposableServer server(String name) {
        return HttpServer.create()
                .host("127.0.0.1")
                .port(0)
                .handle((request, response) -> response.sendString(
                        Mono.just(name + " " + request.method().name() + " " + request.uri())))
                .bindNow();
    }
}
