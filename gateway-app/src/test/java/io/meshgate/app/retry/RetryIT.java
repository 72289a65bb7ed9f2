package io.meshgate.app.retry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.meshgate.app.ControlledUpstream;
import io.meshgate.app.GatewayExtension;
import io.meshgate.app.Traffic;
import io.meshgate.app.Traffic.Outcomes;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.netty.http.client.HttpClient;

/**
 * Retries, retry budgets and circuit breakers through a running gateway, on both request paths: each
 * test runs against a route without filters (the direct proxy, path {@code /x/...}) and one with a
 * filter (Spring Cloud Gateway, path {@code /x-f/...}). The upstreams are real servers on 127.0.0.1
 * that the tests tell to stop, answer 503 or answer slowly; what counts is what the client sees and
 * what reached the upstreams.
 */
class RetryIT {

    private static final Map<String, List<ControlledUpstream>> UPSTREAMS = new TreeMap<>();

    /** Three endpoints per upstream; {@code name} for the direct route, {@code name-f} for the filtered one. */
    private static List<ControlledUpstream> three(String name) {
        return UPSTREAMS.computeIfAbsent(name, n -> List.of(start(n + "1"), start(n + "2"), start(n + "3")));
    }

    private static ControlledUpstream one(String name) {
        return UPSTREAMS.computeIfAbsent(name, n -> List.of(start(n + "1"))).get(0);
    }

    private static ControlledUpstream start(String name) {
        return ControlledUpstream.start(name);
    }

    private static String endpoints(List<ControlledUpstream> list) {
        return list.stream()
                .map(u -> "      - { address: \"" + u.address() + "\" }\n")
                .collect(Collectors.joining("", "    endpoints:\n", ""));
    }

    private static String upstream(String name, String extra, List<ControlledUpstream> list) {
        return "  " + name + ":\n" + extra + endpoints(list);
    }

    /** A direct route {@code /name/**} and a filtered one {@code /name-f/**}, to upstreams name and name-f. */
    private static String routes(String name, String options) {
        return "  - { id: " + name + ", match: { path: /" + name + "/** }, upstream: " + name + options + " }\n"
                + "  - { id: " + name + "-f, match: { path: /" + name + "-f/** }, upstream: " + name + "-f" + options
                + ", filters: [\"AddRequestHeader=x-via,scg\"] }\n";
    }

    private static final String CONFIG;

    static {
        StringBuilder upstreams = new StringBuilder("upstreams:\n");
        for (String path : List.of("get", "get-f", "post", "post-f", "slow", "slow-f")) {
            upstreams.append(upstream(path, "    balancer: round-robin\n", three(path)));
        }
        for (String path : List.of("down", "down-f")) {
            upstreams.append(upstream(
                    path,
                    "    outlierDetection: false\n    retryBudget: { percent: 20, minPerSecond: 10 }\n",
                    three(path)));
        }
        for (String path : List.of("big", "big-f")) {
            upstreams.append(upstream(path, "", List.of(one(path))));
        }
        String breaker =
                "    outlierDetection: false\n    circuitBreaker: { failureRateThreshold: 50, slidingWindowSize: 4,"
                        + " minimumNumberOfCalls: 4, waitDurationInOpenState: 2s, permittedNumberOfCallsInHalfOpenState: 1";
        for (String path : List.of("brk", "brk-f")) {
            upstreams.append(upstream(path, breaker + " }\n", List.of(one(path))));
        }
        for (String path : List.of("fb", "fb-f")) {
            upstreams.append(upstream(path, breaker + ", fallback: " + path + "-standby }\n", List.of(one(path))));
            upstreams.append(upstream(path + "-standby", "", List.of(one(path + "-standby"))));
        }
        CONFIG = upstreams
                + "routes:\n"
                + routes("get", "")
                + routes("post", "")
                + routes("down", "")
                + routes("slow", ", timeout: 3s, retry: { perTryTimeout: 300ms }")
                + routes("big", "")
                + routes("brk", ", retry: { attempts: 1 }")
                + routes("fb", ", retry: { attempts: 1 }");
    }

    @RegisterExtension
    static final GatewayExtension gateway = GatewayExtension.withUpstreams().routes(CONFIG);

    @AfterAll
    static void stopUpstreams() {
        UPSTREAMS.values().stream().flatMap(List::stream).forEach(ControlledUpstream::close);
    }

    private static HttpClient client() {
        return HttpClient.create()
                .baseUrl("http://127.0.0.1:" + gateway.port())
                .responseTimeout(Duration.ofSeconds(20));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"get", "get-f"})
    void anEndpointDyingUnderLoadFailsNoGet(String path) throws Exception {
        List<ControlledUpstream> endpoints = three(path);
        ControlledUpstream dying = endpoints.get(2);
        try {
            CompletableFuture<Outcomes> run =
                    CompletableFuture.supplyAsync(() -> Traffic.to(gateway).get("/" + path + "/a", 6_000, 8));
            await().atMost(Duration.ofSeconds(30)).until(() -> dying.requests() >= 300);
            dying.stop();
            Outcomes outcomes = run.get();

            long ok = endpoints.stream()
                    .mapToLong(e -> outcomes.count("200 " + e.name()))
                    .sum();
            assertThat(ok).as("%s", outcomes).isEqualTo(6_000);
            assertThat(outcomes.count("200 " + endpoints.get(0).name())).isGreaterThan(2_000);
            assertThat(counter("meshgate_retries_total", "reason=\"connect-failure\",upstream=\"" + path + "\""))
                    .as("retries after refused connections")
                    .isPositive();
        } finally {
            dying.restart();
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"post", "post-f"})
    void postsReachAnUpstreamAtMostOnceAndThoseRefusedAreRetried(String path) throws Exception {
        List<ControlledUpstream> endpoints = three(path);
        ControlledUpstream dying = endpoints.get(2);
        HttpClient client = client();
        int count = 4_000;
        Map<String, Long> statuses = new ConcurrentHashMap<>();
        try {
            CompletableFuture<Void> run = CompletableFuture.runAsync(() -> Flux.range(0, count)
                    .flatMap(
                            i -> client.headers(h -> h.set(ControlledUpstream.ID_HEADER, path + "-" + i))
                                    .post()
                                    .uri("/" + path + "/orders")
                                    .send(Mono.fromSupplier(() -> Unpooled.wrappedBuffer(("order " + i).getBytes())))
                                    .responseSingle((response, body) -> body.then(
                                            Mono.just(response.status().code())))
                                    .doOnNext(status -> statuses.merge(String.valueOf(status), 1L, Long::sum)),
                            8)
                    .blockLast(Duration.ofSeconds(120)));
            await().atMost(Duration.ofSeconds(30)).until(() -> dying.requests() >= 300);
            dying.stop();
            run.get();

            Map<String, Integer> seen = new HashMap<>();
            endpoints.forEach(e -> e.ids().forEach((id, n) -> seen.merge(id, n, Integer::sum)));
            assertThat(seen.values()).as("arrivals per id").allMatch(n -> n == 1);
            long ok = statuses.getOrDefault("200", 0L);
            // A POST the dying endpoint was answering may have been processed: it is not sent again, and the
            // client sees 502. Every other POST succeeds, the refused ones after a retry.
            assertThat(ok + statuses.getOrDefault("502", 0L)).as("%s", statuses).isEqualTo(count);
            assertThat(statuses.getOrDefault("502", 0L)).as("%s", statuses).isLessThanOrEqualTo(8);
            assertThat((long) seen.size()).isBetween(ok, (long) count);
            assertThat(counter("meshgate_retries_total", "reason=\"connect-failure\",upstream=\"" + path + "\""))
                    .as("POSTs retried after refused connections")
                    .isPositive();
            assertThat(counter("meshgate_retries_total", "reason=\"reset\",upstream=\"" + path + "\""))
                    .as("POSTs are not retried after a reset")
                    .isZero();
        } finally {
            dying.restart();
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"down", "down-f"})
    void aWholeUpstreamFailingGetsRetriesWithinItsBudgetAndClientsAQuick503(String path) {
        List<ControlledUpstream> endpoints = three(path);
        endpoints.forEach(e -> e.status(503));
        try {
            endpoints.forEach(ControlledUpstream::resetCount);
            int count = 2_000;
            long started = System.nanoTime();
            Outcomes outcomes = Traffic.to(gateway).get("/" + path + "/a", count, 8);
            Duration took = Duration.ofNanos(System.nanoTime() - started);

            long answered503 = endpoints.stream()
                    .mapToLong(e -> outcomes.count("503 " + e.name()))
                    .sum();
            assertThat(answered503).as("%s", outcomes).isEqualTo(count);
            long attempts =
                    endpoints.stream().mapToLong(ControlledUpstream::requests).sum();
            long extra = attempts - count;
            // percent 20 of the window's requests plus minPerSecond 10 × window 10 s; a few more may pass
            // while 8 clients fail at the same moment. Without a budget it would be 2 × 2000.
            assertThat(took).isLessThan(Duration.ofSeconds(10));
            assertThat(extra)
                    .as("extra attempts for %d requests in %s", count, took)
                    .isPositive()
                    .isLessThanOrEqualTo(count * 20 / 100 + 100 + 8);
            assertThat(counter("meshgate_retry_budget_exhausted_total", "upstream=\"" + path + "\""))
                    .isPositive();
            // A clear 503, quickly: the upstream's own answer after at most two backoffs.
            long one = System.nanoTime();
            assertThat(Traffic.to(gateway).getOne("/" + path + "/a")).startsWith("503 " + path);
            assertThat(Duration.ofNanos(System.nanoTime() - one)).isLessThan(Duration.ofSeconds(1));
        } finally {
            endpoints.forEach(ControlledUpstream::healthy);
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"slow", "slow-f"})
    void aSlowEndpointTimesOutPerTryAndTheRetrySucceedsElsewhereInTime(String path) {
        List<ControlledUpstream> endpoints = three(path);
        ControlledUpstream slow = endpoints.get(0);
        slow.delay(Duration.ofSeconds(5));
        try {
            slow.resetCount();
            HttpClient client = client();
            List<String> outcomes = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                long start = System.nanoTime();
                String outcome = client.headers(h -> h.set("x-meshgate-debug", "attempts"))
                        .get()
                        .uri("/" + path + "/a")
                        .responseSingle((response, body) -> body.then(
                                Mono.fromSupplier(() -> response.status().code()
                                        + " " + response.responseHeaders().get(ControlledUpstream.UPSTREAM_HEADER) + " "
                                        + response.responseHeaders().get("x-meshgate-attempts"))))
                        .block(Duration.ofSeconds(10));
                long millis = Duration.ofNanos(System.nanoTime() - start).toMillis();
                // Within the 3 s deadline: one 300 ms per-try timeout, a backoff, a fast answer.
                assertThat(millis).as("request %d: %s", i, outcome).isLessThan(1_500);
                outcomes.add(outcome);
            }
            Map<String, Long> counts = outcomes.stream()
                    .collect(Collectors.groupingBy(Function.identity(), TreeMap::new, Collectors.counting()));
            assertThat(outcomes)
                    .as("%s", counts)
                    .allMatch(o -> o.startsWith("200 " + path + "2 ") || o.startsWith("200 " + path + "3 "));
            assertThat(slow.requests()).as("requests to the slow endpoint").isGreaterThanOrEqualTo(5);
            assertThat(outcomes.stream().filter(o -> o.endsWith(" 2")).count())
                    .as("answers after a retry, by x-meshgate-attempts: %s", counts)
                    .isEqualTo(slow.requests());
            assertThat(counter("meshgate_retries_total", "reason=\"per-try-timeout\",upstream=\"" + path + "\""))
                    .isEqualTo(slow.requests());
        } finally {
            slow.healthy();
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"big", "big-f"})
    void aOneMebibytePostStreamsThroughWithoutWaitingForItsEnd(String path) {
        ControlledUpstream upstream = one(path);
        upstream.resetCount();
        long before = upstream.bytesReceived();
        int half = 512 * 1024;
        byte[] chunk = new byte[16 * 1024];
        Flux<ByteBuf> firstHalf = Flux.range(0, half / chunk.length).map(i -> Unpooled.wrappedBuffer(chunk));
        // The second half is sent only once the upstream has received more than the 64 KiB the gateway
        // may keep for a retry: a gateway that held the body back would never get it.
        Mono<Void> upstreamHasBytes = Mono.<Void>fromRunnable(() -> await().atMost(Duration.ofSeconds(10))
                        .until(() -> upstream.bytesReceived() - before > 256 * 1024))
                .subscribeOn(Schedulers.boundedElastic());
        Flux<ByteBuf> body = firstHalf.concatWith(
                upstreamHasBytes.thenMany(Flux.range(0, half / chunk.length).map(i -> Unpooled.wrappedBuffer(chunk))));

        int status = client().post()
                .uri("/" + path + "/upload")
                .send(body)
                .responseSingle((response, content) ->
                        content.then(Mono.just(response.status().code())))
                .block(Duration.ofSeconds(30));

        assertThat(status).isEqualTo(200);
        assertThat(upstream.lastBodyBytes()).isEqualTo(2L * half);
        assertThat(upstream.requests()).isEqualTo(1);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"brk", "brk-f"})
    void anOpenBreakerAnswers503AtOnceAndHalfOpensAfterTheWait(String path) {
        ControlledUpstream upstream = one(path);
        Traffic traffic = Traffic.to(gateway);
        upstream.status(503);
        try {
            Outcomes failing = traffic.get("/" + path + "/a", 4, 1);
            assertThat(failing.count("503 " + path + "1")).as("%s", failing).isEqualTo(4);
            long reached = upstream.requests();

            String open = body("/" + path + "/a");
            assertThat(open).isEqualTo("503 upstream '" + path + "': circuit breaker open\n");
            assertThat(traffic.get("/" + path + "/a", 10, 2).count("503 -")).isEqualTo(10);
            assertThat(upstream.requests()).as("attempts while open").isEqualTo(reached);
            assertThat(counter("meshgate_circuit_breaker_rejected_total", "upstream=\"" + path + "\""))
                    .isGreaterThanOrEqualTo(11);
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(gateway.prometheus())
                    .contains("meshgate_circuit_breaker_state{state=\"open\",upstream=\"" + path + "\"} 1.0"));
        } finally {
            upstream.healthy();
        }
        // waitDurationInOpenState 2s, then one trial attempt decides: it succeeds, the breaker closes.
        await().atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> traffic.getOne("/" + path + "/a").equals("200 " + path + "1"));
        assertThat(traffic.get("/" + path + "/a", 20, 2).count("200 " + path + "1"))
                .isEqualTo(20);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"fb", "fb-f"})
    void anOpenBreakerSendsToTheFallbackUpstream(String path) {
        ControlledUpstream upstream = one(path);
        Traffic traffic = Traffic.to(gateway);
        upstream.status(503);
        try {
            assertThat(traffic.get("/" + path + "/a", 4, 1).count("503 " + path + "1"))
                    .isEqualTo(4);
            Outcomes open = traffic.get("/" + path + "/a", 20, 2);
            assertThat(open.count("200 " + path + "-standby1")).as("%s", open).isEqualTo(20);
        } finally {
            upstream.healthy();
        }
    }

    private static String body(String uri) {
        return client().get()
                .uri(uri)
                .responseSingle((response, body) -> body.asString()
                        .defaultIfEmpty("")
                        .map(text -> response.status().code() + " " + text))
                .block(Duration.ofSeconds(10));
    }

    private static final Pattern SAMPLE = Pattern.compile("^(\\w+)\\{([^}]*)\\} (\\S+)$", Pattern.MULTILINE);

    /** A counter's value from the Prometheus scrape (0 when absent). */
    static double counter(String name, String labels) {
        String scrape = null;
        // A scrape can fail while the upstream gauges are being re-listed (a duplicate-labels race in the
        // meter registry); the next one is fine.
        for (int i = 0; scrape == null; i++) {
            try {
                scrape = gateway.prometheus();
            } catch (AssertionError e) {
                if (i == 4) {
                    throw e;
                }
            }
        }
        Matcher m = SAMPLE.matcher(scrape);
        while (m.find()) {
            if (m.group(1).equals(name) && m.group(2).equals(labels)) {
                return Double.parseDouble(m.group(3));
            }
        }
        return 0;
    }
}
