package io.meshgate.app.observability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.meshgate.app.GatewayExtension;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.http.HttpStatus;

/**
 * The golden metrics per upstream ({@code meshgate_upstream_requests_seconds{upstream,outcome}}):
 * every attempt an upstream gets is counted once by its outcome on both request paths, retries
 * included, with histogram buckets that tell slow answers from quick ones; the series follow the
 * upstreams of the serving configuration across reloads.
 */
class UpstreamMetricsIT {

    private static final int CLOSED_PORT = closedPort();

    private static final String ROUTES =
            """
            upstreams:
              direct: { endpoints: [ { address: "{{a}}" } ] }
              filtered: { endpoints: [ { address: "{{b}}" } ] }
              retried: { endpoints: [ { address: "{{a}}" } ] }
              dead: { endpoints: [ { address: "127.0.0.1:%d" } ] }
            routes:
              - { id: direct, match: { path: /direct/** }, upstream: direct, timeout: 1s, retry: { attempts: 1 } }
              - id: filtered
                match: { path: /filtered/** }
                upstream: filtered
                timeout: 1s
                retry: { attempts: 1 }
                filters: [ "StripPrefix=1" ]
              - { id: retried, match: { path: /retried/** }, upstream: retried, retry: { attempts: 2 } }
              - id: retried-filtered
                match: { path: /retried-filtered/** }
                upstream: retried
                retry: { attempts: 2 }
                filters: [ "StripPrefix=1" ]
              - { id: dead, match: { path: /dead/** }, upstream: dead, retry: { attempts: 1 } }
              - id: dead-filtered
                match: { path: /dead-filtered/** }
                upstream: dead
                retry: { attempts: 1 }
                filters: [ "StripPrefix=1" ]
            """
                    .formatted(CLOSED_PORT);

    private static final String EXTRA =
            """
              extra: { endpoints: [ { address: "{{b}}" } ] }
            routes:
              - { id: extra, match: { path: /extra/** }, upstream: extra }""";

    @RegisterExtension
    static final GatewayExtension gateway =
            GatewayExtension.withUpstreams("a", "b").routes(ROUTES);

    private static int closedPort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void everyAttemptIsCountedByUpstreamAndOutcomeOnBothPaths() {
        for (String path : new String[] {"/direct/x", "/filtered/x"}) {
            for (int i = 0; i < 30; i++) {
                // Five of them slow: past the 250 ms bucket, within the 1 s timeout.
                send(path, null, i < 5 ? "300" : null, HttpStatus.OK);
            }
            for (int i = 0; i < 10; i++) {
                send(path, "503", null, HttpStatus.SERVICE_UNAVAILABLE);
            }
            send(path, null, "3000", HttpStatus.GATEWAY_TIMEOUT);
        }
        send("/dead/x", null, null, HttpStatus.SERVICE_UNAVAILABLE);
        send("/dead-filtered/x", null, null, HttpStatus.SERVICE_UNAVAILABLE);
        // One request per path, tried twice: the upstream saw two requests each.
        send("/retried/x", "503", null, HttpStatus.SERVICE_UNAVAILABLE);
        send("/retried-filtered/x", "503", null, HttpStatus.SERVICE_UNAVAILABLE);

        String metrics = gateway.prometheus();
        for (String upstream : new String[] {"direct", "filtered"}) {
            assertThat(count(metrics, upstream, "2xx")).as(upstream + " 2xx").isEqualTo(30);
            assertThat(count(metrics, upstream, "5xx")).as(upstream + " 5xx").isEqualTo(10);
            assertThat(count(metrics, upstream, "timeout"))
                    .as(upstream + " timeout")
                    .isEqualTo(1);
            assertThat(metrics).doesNotContain("outcome=\"4xx\",upstream=\"" + upstream + "\"");
            // Cumulative buckets: the five slow answers are above 250 ms, all are within +Inf.
            assertThat(bucket(metrics, upstream, "2xx", "0.25")).isLessThanOrEqualTo(25);
            assertThat(bucket(metrics, upstream, "2xx", "0.001"))
                    .isLessThanOrEqualTo(bucket(metrics, upstream, "2xx", "0.25"));
            assertThat(bucket(metrics, upstream, "2xx", "+Inf")).isEqualTo(30);
            assertThat(bucket(metrics, upstream, "timeout", "0.5")).isZero();
            assertThat(bucket(metrics, upstream, "timeout", "+Inf")).isEqualTo(1);
        }
        assertThat(count(metrics, "dead", "connect_error")).isEqualTo(2);
        assertThat(count(metrics, "retried", "5xx")).isEqualTo(4);
        // The same buckets as the route timer's (1 ms to 30 s), fit for histogram_quantile.
        assertThat(metrics)
                .contains("meshgate_upstream_requests_seconds_bucket{outcome=\"2xx\",upstream=\"direct\",le=\"0.001\"}")
                .contains("meshgate_upstream_requests_seconds_bucket{outcome=\"2xx\",upstream=\"direct\",le=\"30.0\"}")
                .contains("meshgate_route_requests_seconds_bucket{route=\"direct\",status=\"2xx\",le=\"30.0\"}");
    }

    @Test
    void seriesFollowTheServingConfigurationAcrossReloads() {
        send("/direct/x", null, null, HttpStatus.OK);
        String before = gateway.prometheus();
        String withExtra = ROUTES.replace("\nroutes:\n", "\n" + EXTRA + "\n");
        try {
            gateway.writeRoutes(withExtra);
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> send("/extra/x", null, null, HttpStatus.OK));
            send("/extra/x", null, null, HttpStatus.OK);
            assertThat(count(gateway.prometheus(), "extra", "2xx")).isGreaterThanOrEqualTo(2);
            assertThat(gateway.prometheus()).contains("meshgate_route_requests_seconds_count{route=\"extra\"");
        } finally {
            gateway.writeRoutes(ROUTES);
        }
        // The upstream left: its series go. The others carried on: not reset by the two reloads.
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(gateway.prometheus())
                .doesNotContain("upstream=\"extra\"")
                .doesNotContain("route=\"extra\""));
        assertThat(gateway.prometheus()).contains("meshgate_route_requests_seconds_count{route=\"direct\"");
        String after = gateway.prometheus();
        for (String upstream : new String[] {"direct", "filtered", "dead", "retried"}) {
            for (String outcome : new String[] {"2xx", "5xx", "timeout", "connect_error"}) {
                assertThat(count(after, upstream, outcome))
                        .as(upstream + " " + outcome)
                        .isGreaterThanOrEqualTo(count(before, upstream, outcome));
            }
        }
    }

    private static void send(String path, String status, String delayMillis, HttpStatus expected) {
        gateway.client()
                .get()
                .uri(path)
                .headers(headers -> {
                    if (status != null) {
                        headers.set("x-echo-status", status);
                    }
                    if (delayMillis != null) {
                        headers.set("x-echo-delay-ms", delayMillis);
                    }
                })
                .exchange()
                .expectStatus()
                .isEqualTo(expected);
    }

    /** The attempts counted for the upstream and outcome; 0 when there is no such series. */
    private static long count(String metrics, String upstream, String outcome) {
        return value(
                metrics,
                "meshgate_upstream_requests_seconds_count{outcome=\"" + outcome + "\",upstream=\"" + upstream + "\"}");
    }

    private static long bucket(String metrics, String upstream, String outcome, String le) {
        return value(
                metrics,
                "meshgate_upstream_requests_seconds_bucket{outcome=\"" + outcome + "\",upstream=\"" + upstream
                        + "\",le=\"" + le + "\"}");
    }

    private static long value(String metrics, String series) {
        Matcher matcher =
                Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(metrics);
        return matcher.find() ? (long) Double.parseDouble(matcher.group(1)) : 0;
    }
}
