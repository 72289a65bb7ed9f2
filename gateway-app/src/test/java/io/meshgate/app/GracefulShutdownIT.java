package io.meshgate.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.core.publisher.Mono;

/**
 * Stopping the gateway (what SIGTERM does: the context closes) while slow streaming responses are in
 * flight on both request paths: readiness turns 503 at once, new connections are still served for
 * the drain delay and refused after it, and the responses in flight finish with their whole body.
 */
class GracefulShutdownIT {

    private static final Duration DRAIN = Duration.ofSeconds(3);
    private static final int CHUNKS = 40;
    private static final int INTERVAL_MS = 150; // so the streams last 6 s: well past the drain delay

    @RegisterExtension
    static GatewayExtension gateway = GatewayExtension.withUpstreams("slow")
            .arg("--meshgate.shutdown.drain-delay=" + DRAIN.toMillis() + "ms")
            .arg("--spring.lifecycle.timeout-per-shutdown-phase=20s")
            .routes(
                    """
                    upstreams:
                      slow: { endpoints: [ { address: "{{slow}}" } ] }
                    routes:
                      - { id: direct, match: { path: /direct/** }, upstream: slow }
                      - id: filtered
                        match: { path: /filtered/** }
                        upstream: slow
                        filters: [ "AddRequestHeader=X-From, meshgate" ]
                    """);

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    /** A streaming request in flight: its status and body, and when its first chunk came. */
    private record Stream(CompletableFuture<String> body, CountDownLatch firstChunk, AtomicLong endedNanos) {}

    private Stream stream(String path) {
        CountDownLatch firstChunk = new CountDownLatch(1);
        AtomicLong ended = new AtomicLong();
        CompletableFuture<String> body = reactor.netty.http.client.HttpClient.newConnection()
                .baseUrl("http://127.0.0.1:" + gateway.port())
                .headers(h -> h.add("x-echo-stream-chunks", CHUNKS).add("x-echo-stream-interval-ms", INTERVAL_MS))
                .get()
                .uri(path)
                .response((response, content) -> content.asString()
                        .doOnNext(chunk -> firstChunk.countDown())
                        .collect(Collectors.joining())
                        .map(text -> response.status().code() + " " + text))
                .single()
                .doOnTerminate(() -> ended.set(System.nanoTime()))
                .timeout(Duration.ofSeconds(30), Mono.just("timed out"))
                .toFuture();
        return new Stream(body, firstChunk, ended);
    }

    private int readiness() throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + gateway.managementPort() + "/actuator/health/readiness"))
                .timeout(Duration.ofSeconds(2))
                .build();
        return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    /** A GET on a new connection (the JDK client pools; a fresh client per call does not). */
    private int getOnNewConnection(String path) throws IOException, InterruptedException {
        HttpClient fresh =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port() + path))
                .timeout(Duration.ofSeconds(5))
                .build();
        return fresh.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private boolean refusesConnections() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", gateway.port()), 1000);
            return false;
        } catch (ConnectException refused) {
            return true;
        } catch (IOException other) {
            return false;
        }
    }

    @Test
    void readinessTurnsAtOnceNewConnectionsStopAfterTheDrainDelayAndStreamsInFlightFinish() throws Exception {
        assertThat(readiness()).isEqualTo(200);
        Stream direct = stream("/direct/download");
        Stream filtered = stream("/filtered/download");
        assertThat(direct.firstChunk().await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(filtered.firstChunk().await(10, TimeUnit.SECONDS)).isTrue();

        long closing = System.nanoTime();
        Thread closer = new Thread(gateway.context()::close, "test-sigterm");
        closer.start();

        await().atMost(Duration.ofSeconds(1))
                .pollInterval(Duration.ofMillis(20))
                .until(() -> readiness() == 503);
        assertThat(getOnNewConnection("/direct/during-drain"))
                .as("a new connection during the drain delay is served")
                .isEqualTo(200);
        assertThat(Duration.ofNanos(System.nanoTime() - closing)).isLessThan(DRAIN);

        await().atMost(DRAIN.plusSeconds(3)).pollInterval(Duration.ofMillis(20)).until(this::refusesConnections);
        long refused = System.nanoTime();
        assertThat(Duration.ofNanos(refused - closing))
                .as("connections are refused only after the drain delay")
                .isGreaterThanOrEqualTo(DRAIN);
        assertThatThrownBy(() -> getOnNewConnection("/direct/after-drain")).isInstanceOf(ConnectException.class);

        String expected = "200 "
                + IntStream.range(0, CHUNKS).mapToObj(i -> "chunk " + i + "\n").collect(Collectors.joining());
        assertThat(direct.body().get(20, TimeUnit.SECONDS)).isEqualTo(expected);
        assertThat(filtered.body().get(20, TimeUnit.SECONDS)).isEqualTo(expected);
        assertThat(direct.endedNanos().get())
                .as("the direct stream was still in flight when the listener closed")
                .isGreaterThan(refused);
        assertThat(filtered.endedNanos().get()).isGreaterThan(refused);

        closer.join(20_000);
        assertThat(closer.isAlive())
                .as("the gateway stopped within the grace period")
                .isFalse();
        assertThat(gateway.context().isActive()).isFalse();
    }
}
