package io.meshgate.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;

/** The README's run command: the quickstart profile serves the bundled routes with its own upstreams. */
class QuickstartIT {

    private static ConfigurableApplicationContext context;
    private static HttpClient client;

    @BeforeAll
    static void start() throws IOException {
        context = new SpringApplicationBuilder(MeshgateApplication.class)
                .run(
                        "--spring.profiles.active=quickstart",
                        "--server.port=0",
                        "--management.server.port=0",
                        "--meshgate.quickstart.v1-port=" + freePort(),
                        "--meshgate.quickstart.v2-port=" + freePort());
        client = HttpClient.create()
                .baseUrl("http://127.0.0.1:" + context.getEnvironment().getRequiredProperty("local.server.port"))
                .responseTimeout(Duration.ofSeconds(10));
    }

    @AfterAll
    static void stop() {
        if (context != null) {
            context.close();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    @Test
    void echoRouteSplitsEightyTwentyBetweenTheDemoUpstreams() {
        Map<String, Long> counts = Flux.range(0, 2000)
                .flatMap(i -> get("/echo/hello"), 16)
                .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()))
                .block(Duration.ofSeconds(60));
        assertThat(counts).containsOnlyKeys("200 echo-v1", "200 echo-v2");
        assertThat(counts.get("200 echo-v1") / 2000.0).isCloseTo(0.8, org.assertj.core.data.Offset.offset(0.05));
    }

    @Test
    void versionRoutesReachOneUpstreamEach() {
        assertThat(get("/v1/hello").block(Duration.ofSeconds(10))).isEqualTo("200 echo-v1");
        assertThat(get("/v2/hello").block(Duration.ofSeconds(10))).isEqualTo("200 echo-v2");
    }

    private static Mono<String> get(String path) {
        return client.get()
                .uri(path)
                .responseSingle((response, body) -> body.then(Mono.just(response.status()
                                .code() + " " + response.responseHeaders().get("x-upstream"))));
    }
}
