package io.meshgate.app;

import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;

/**
 * Bounded load through the gateway from a real HTTP client: a number of GETs at a concurrency, each
 * result recorded as {@code "status upstream"} (the {@code x-upstream} header, "-" when meshgate itself
 * answered), counted.
 */
public final class Traffic {

    private final HttpClient client;

    private Traffic(HttpClient client) {
        this.client = client;
    }

    public static Traffic to(GatewayExtension gateway) {
        return new Traffic(HttpClient.create()
                .baseUrl("http://127.0.0.1:" + gateway.port())
                .responseTimeout(Duration.ofSeconds(20)));
    }

    /** Sends {@code count} GETs of {@code path}, {@code concurrency} at a time; outcomes counted. */
    public Outcomes get(String path, int count, int concurrency) {
        Map<String, Long> counts = Flux.range(0, count)
                .flatMap(i -> one(path), concurrency)
                .collect(Collectors.groupingBy(Function.identity(), TreeMap::new, Collectors.counting()))
                .block(Duration.ofSeconds(120));
        return new Outcomes(counts, count);
    }

    /** One GET: {@code "status upstream"}. */
    public String getOne(String path) {
        return one(path).block(Duration.ofSeconds(30));
    }

    private Mono<String> one(String path) {
        return client.get()
                .uri(path)
                .responseSingle((response, body) -> body.then(Mono.fromSupplier(() -> {
                    String upstream = response.responseHeaders().get(ControlledUpstream.UPSTREAM_HEADER);
                    return response.status().code() + " " + (upstream == null ? "-" : upstream);
                })));
    }

    /** Counts of {@code "status upstream"} outcomes. */
    public record Outcomes(Map<String, Long> counts, int total) {

        public long count(String outcome) {
            return counts.getOrDefault(outcome, 0L);
        }

        public double share(String outcome) {
            return count(outcome) / (double) total;
        }

        /** Requests answered by the upstream, whatever their status. */
        public long servedBy(String upstream) {
            return counts.entrySet().stream()
                    .filter(e -> e.getKey().endsWith(" " + upstream))
                    .mapToLong(Map.Entry::getValue)
                    .sum();
        }

        @Override
        public String toString() {
            return counts + " of " + total;
        }
    }
}
