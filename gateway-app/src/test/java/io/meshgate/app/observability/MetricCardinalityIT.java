package io.meshgate.app.observability;

import static org.assertj.core.api.Assertions.assertThat;

import io.meshgate.app.GatewayExtension;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.netty.http.client.HttpClient;

/**
 * Metric label cardinality is bounded: requests to hundreds of distinct paths (matched and unmatched),
 * with distinct query strings, from many client addresses, add no series to {@code
 * /actuator/prometheus}. A raw path, query or client address in a label would add one per request.
 */
class MetricCardinalityIT {

    @RegisterExtension
    static final GatewayExtension gateway = GatewayExtension.withUpstreams("echo")
            .routes(
                    """
                    upstreams:
                      echo: { endpoints: [ { address: "{{echo}}" } ] }
                    routes:
                      - { id: items, match: { path: /items/** }, upstream: echo }
                      - { id: users, match: { path: "/users/{id}" }, upstream: echo, filters: [ "StripPrefix=1" ] }
                    """);

    private static final String[] METHODS = {"GET", "POST", "DELETE"};
    private static final String[] UPSTREAM_STATUSES = {"200", "404", "503"};
    /** Client addresses: loopback aliases, each a different source IP to the gateway. */
    private static final int FIRST_CLIENT = 10;

    private static final int CLIENTS = 20;

    /** A series: its name and labels as exposed (the value after them is left out). */
    private static final Pattern SERIES = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*(?:\\{.*})?)\\s+\\S+$");

    @Test
    void distinctPathsQueriesAndClientsAddNoSeries() {
        // Every route, status and method once, plus an unmatched path: all the series the load can make.
        for (String method : METHODS) {
            for (String status : UPSTREAM_STATUSES) {
                send(0, method, "/items/warm-up", status, null);
                send(0, method, "/users/warm-up", status, null);
            }
            send(0, method, "/warm-up", null, null);
        }
        Set<String> before = series(gateway.prometheus());
        for (String route : List.of("items", "users")) {
            for (String statusClass : List.of("2xx", "4xx", "5xx")) {
                assertThat(before)
                        .contains("meshgate_route_requests_seconds_count{route=\"" + route + "\",status=\""
                                + statusClass + "\"}");
            }
        }

        for (int i = 0; i < 450; i++) {
            String path =
                    switch (i % 3) {
                        case 0 -> "/items/p" + i + "/x" + (i * 7919);
                        case 1 -> "/users/u" + i;
                        default -> "/unrouted/n" + i;
                    };
            String forwardedFor = "10.9." + (i / 200) + "." + (i % 200);
            send(i % CLIENTS, METHODS[i % METHODS.length], path + "?q=" + i, UPSTREAM_STATUSES[i % 3], forwardedFor);
        }
        String after = gateway.prometheus();
        Set<String> afterSeries = series(after);

        assertThat(meshgate(afterSeries)).as("meshgate's series").isEqualTo(meshgate(before));
        // Other meters (JVM, GC causes, buffer pools) may add a few series of their own; not per request.
        assertThat(afterSeries.size() - before.size()).isLessThan(10);
        assertThat(labelValues(after))
                .as("label values")
                .noneMatch(
                        value -> value.contains("/items/") || value.contains("/users/") || value.contains("/unrouted/"))
                .noneMatch(value -> value.contains("q="))
                .noneMatch(value -> value.startsWith("10.9.") || value.startsWith("127.0.0." + FIRST_CLIENT));
    }

    /** Sends one request from the client address 127.0.0.(FIRST_CLIENT + client) on a new connection. */
    private static void send(int client, String method, String uri, String upstreamStatus, String forwardedFor) {
        InetSocketAddress source = new InetSocketAddress("127.0.0." + (FIRST_CLIENT + client), 0);
        Integer status = HttpClient.newConnection()
                .bindAddress(() -> source)
                .responseTimeout(Duration.ofSeconds(10))
                .headers(headers -> {
                    if (upstreamStatus != null) {
                        headers.set("x-echo-status", upstreamStatus);
                    }
                    if (forwardedFor != null) {
                        headers.set("x-forwarded-for", forwardedFor);
                    }
                })
                .request(io.netty.handler.codec.http.HttpMethod.valueOf(method))
                .uri("http://127.0.0.1:" + gateway.port() + uri)
                .responseSingle((response, body) -> body.then(
                        reactor.core.publisher.Mono.just(response.status().code())))
                .block(Duration.ofSeconds(15));
        assertThat(status).as("%s %s", method, uri).isNotNull();
    }

    static Set<String> series(String exposition) {
        Set<String> series = new TreeSet<>();
        for (String line : exposition.lines().toList()) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            Matcher matcher = SERIES.matcher(line);
            assertThat(matcher.matches()).as("a series line: %s", line).isTrue();
            series.add(matcher.group(1));
        }
        return series;
    }

    private static Set<String> meshgate(Set<String> series) {
        return series.stream()
                .filter(name -> name.startsWith("meshgate_"))
                .collect(Collectors.toCollection(TreeSet::new));
    }

    private static final Pattern LABEL = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*=\"((?:[^\"\\\\]|\\\\.)*)\"");

    private static Set<String> labelValues(String exposition) {
        Set<String> values = new TreeSet<>();
        for (String series : series(exposition)) {
            Matcher matcher = LABEL.matcher(series);
            while (matcher.find()) {
                values.add(matcher.group(1));
            }
        }
        return values;
    }
}
