package io.meshgate.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.core.publisher.Flux;
import reactor.netty.http.client.HttpClient;

/** A route's weighted backends split its traffic in proportion to the weights. */
class WeightedSplitIT {

    private static final int REQUESTS = 10_000;

    @RegisterExtension
    static final GatewayExtension gateway = GatewayExtension.withUpstreams("a", "b", "c")
            .routes(
                    """
                    upstreams:
                      a: { endpoints: [ { address: "{{a}}" } ] }
                      b: { endpoints: [ { address: "{{b}}" } ] }
                      c: { endpoints: [ { address: "{{c}}" } ] }
                    routes:
                      - id: split
                        match: { path: /split/** }
                        backends: [ { upstream: a, weight: 50 }, { upstream: b, weight: 30 }, { upstream: c, weight: 20 } ]
                    """);

    @Test
    void tenThousandRequestsLandWithinThreePointsOfTheWeights() {
        HttpClient client = HttpClient.create()
                .baseUrl("http://127.0.0.1:" + gateway.port())
                .responseTimeout(Duration.ofSeconds(10));
        Map<String, Long> counts = Flux.range(0, REQUESTS)
                .flatMap(
                        i -> client.get()
                                .uri("/split/" + i)
                                .responseSingle((response, body) -> body.then(reactor.core.publisher.Mono.just(
                                        response.status().code() + " "
                                                + response.responseHeaders().get("x-upstream")))),
                        32)
                .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()))
                .block(Duration.ofSeconds(120));
        assertThat(counts).containsOnlyKeys("200 a", "200 b", "200 c");
        assertThat(share(counts, "200 a")).isCloseTo(0.50, org.assertj.core.data.Offset.offset(0.03));
        assertThat(share(counts, "200 b")).isCloseTo(0.30, org.assertj.core.data.Offset.offset(0.03));
        assertThat(share(counts, "200 c")).isCloseTo(0.20, org.assertj.core.data.Offset.offset(0.03));
    }

    private static double share(Map<String, Long> counts, String key) {
        return counts.get(key) / (double) REQUESTS;
    }
}
