package io.meshgate.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;

/**
 * The route files are rewritten 50 times, some of them invalid, while a bounded load runs: no
 * request fails, each valid change is serving within 2 s, and each invalid change leaves the last
 * good configuration serving.
 */
class ReloadUnderLoadIT {

    private static final String ROUTES =
            """
            upstreams:
              v1: { endpoints: [ { address: "{{v1}}" } ] }
              v2: { endpoints: [ { address: "{{v2}}" } ] }
            routes:
              - id: main
                match: { path: /r/** }
                upstream: %s
                filters: [ "AddResponseHeader=X-Generation, %d" ]
            """;

    /** Invalid in both stages: the parser's (syntax, schema, references) and the compiler's (filters, paths). */
    private static final List<String> INVALID = List.of(
            "routes: [ { id: main, match: { path: /r/** }, upstream: v1 ",
            ROUTES.formatted("v1", 0).replace("match:", "mtch:"),
            ROUTES.formatted("v3", 0),
            ROUTES.formatted("v1", 0).replace("AddResponseHeader", "AddResponseHeadr"),
            ROUTES.formatted("v1", 0).replace("/r/**", "/r/**/x/{"));

    @RegisterExtension
    static final GatewayExtension gateway =
            GatewayExtension.withUpstreams("v1", "v2").routes(ROUTES.formatted("v1", 0));

    @Test
    void fiftyRewritesUnderLoadFailNoRequest() {
        HttpClient client = HttpClient.create()
                .baseUrl("http://127.0.0.1:" + gateway.port())
                .responseTimeout(Duration.ofSeconds(10));
        Map<String, AtomicLong> outcomes = new ConcurrentHashMap<>();
        AtomicBoolean running = new AtomicBoolean(true);
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        Disposable load = Flux.range(0, 16)
                .flatMap(worker -> Flux.range(0, 1_000_000)
                        .takeWhile(i -> running.get() && System.nanoTime() < deadline)
                        .concatMap(i -> client.get()
                                .uri("/r/" + i)
                                .responseSingle((response, body) ->
                                        body.then(Mono.just(response.status().code() + " "
                                                + response.responseHeaders().get("x-upstream"))))
                                .onErrorResume(error -> Mono.just("error " + error))))
                .subscribe(outcome ->
                        outcomes.computeIfAbsent(outcome, k -> new AtomicLong()).incrementAndGet());

        List<Long> switchMillis = new ArrayList<>();
        String serving = "v1";
        int generation = 0;
        long begin = System.nanoTime();
        try {
            for (int write = 1; write <= 50; write++) {
                // One write every 400 ms: the load runs about 20 s across all 50 changes.
                long slot = begin + Duration.ofMillis(400L * write).toNanos();
                await().atMost(Duration.ofSeconds(1)).until(() -> System.nanoTime() >= slot);
                if (write % 3 == 0) {
                    long rejectedBefore = gateway.rejectedReloads();
                    String version = gateway.activeVersion();
                    gateway.writeRoutes(INVALID.get(write / 3 % INVALID.size()));
                    await().atMost(Duration.ofSeconds(5)).until(() -> gateway.rejectedReloads() > rejectedBefore);
                    assertThat(gateway.activeVersion()).isEqualTo(version);
                    assertThat(probe(client)).isEqualTo(serving + " " + generation);
                } else {
                    serving = serving.equals("v1") ? "v2" : "v1";
                    generation++;
                    String expected = serving + " " + generation;
                    long start = System.nanoTime();
                    gateway.writeRoutes(ROUTES.formatted(serving, generation));
                    await().atMost(Duration.ofSeconds(2))
                            .pollInterval(Duration.ofMillis(10))
                            .until(() -> probe(client).equals(expected));
                    switchMillis.add((System.nanoTime() - start) / 1_000_000);
                }
            }
        } finally {
            running.set(false);
            await().atMost(Duration.ofSeconds(30)).until(load::isDisposed);
        }

        long total = outcomes.values().stream().mapToLong(AtomicLong::get).sum();
        System.out.printf(
                "reload under load: %d requests, outcomes %s, switch ms max %d%n",
                total,
                outcomes,
                switchMillis.stream().mapToLong(Long::longValue).max().orElse(0));
        assertThat(outcomes.keySet()).containsOnly("200 v1", "200 v2");
        assertThat(outcomes.get("200 v1").get()).isPositive();
        assertThat(outcomes.get("200 v2").get()).isPositive();
        assertThat(total).isGreaterThan(1000);
    }

    private static String probe(HttpClient client) {
        return client.get()
                .uri("/r/probe")
                .responseSingle((response, body) ->
                        body.then(Mono.just(response.responseHeaders().get("x-upstream") + " "
                                + response.responseHeaders().get("X-Generation"))))
                .block(Duration.ofSeconds(5));
    }
}
