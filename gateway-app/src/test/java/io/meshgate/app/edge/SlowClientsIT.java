package io.meshgate.app.edge;

import static org.assertj.core.api.Assertions.assertThat;

import io.meshgate.app.GatewayExtension;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Slowloris and idle clients against short timeouts: a client trickling its headers gets 408 and is
 * closed within the header-read timeout however steadily it trickles, one that stalls in its body
 * is cut after the body-read timeout, an idle keep-alive connection is closed after the idle
 * timeout, and other clients are served all the while.
 */
class SlowClientsIT {

    @RegisterExtension
    static final GatewayExtension gateway = GatewayExtension.withUpstreams("echo")
            .routes(
                    """
                    upstreams:
                      echo: { endpoints: [ { address: "{{echo}}" } ] }
                    routes:
                      - { id: direct, upstream: echo }
                    """)
            .arg("--meshgate.limits.header-read-timeout=1s")
            .arg("--meshgate.limits.body-read-timeout=1s")
            .arg("--meshgate.limits.idle-timeout=2s");

    @Test
    void aClientTricklingItsHeadersGets408WithinTheHeaderReadTimeout() throws Exception {
        try (RawHttp slow = new RawHttp(gateway.port())) {
            long start = System.nanoTime();
            CompletableFuture<RawHttp.Answer> answer = trickle(slow, "GET /trickle HTTP/1.1\r\nHost: gateway\r\n");
            // Meanwhile another client is served, more than once.
            try (RawHttp other = new RawHttp(gateway.port())) {
                for (int i = 0; i < 3; i++) {
                    assertThat(other.get("/meanwhile").status()).isEqualTo(200);
                }
            }
            RawHttp.Answer got = answer.get(10, TimeUnit.SECONDS);
            long took = Duration.ofNanos(System.nanoTime() - start).toMillis();
            assertThat(got.status()).as(got.text()).isEqualTo(408);
            assertThat(got.closed()).isTrue();
            assertThat(took).as("ms until the answer").isBetween(900L, 2_500L);
        }
    }

    @Test
    void theHeaderReadTimeoutAppliesToTheNextRequestOnAKeptAliveConnection() throws Exception {
        try (RawHttp connection = new RawHttp(gateway.port())) {
            assertThat(connection.get("/first").status()).isEqualTo(200);
            RawHttp.Answer got = trickle(connection, "GET /second HTTP/1.1\r\nHost: gateway\r\n")
                    .get(10, TimeUnit.SECONDS);
            assertThat(got.status()).as(got.text()).isEqualTo(408);
            assertThat(got.closed()).isTrue();
        }
    }

    @Test
    void aClientStallingInItsBodyIsCutAfterTheBodyReadTimeout() throws Exception {
        try (RawHttp slow = new RawHttp(gateway.port())) {
            long start = System.nanoTime();
            slow.send("POST /stall HTTP/1.1\r\nHost: gateway\r\nContent-Length: 100\r\n\r\n0123456789");
            RawHttp.Answer got = slow.read(Duration.ofSeconds(5), Duration.ofSeconds(10));
            long took = Duration.ofNanos(System.nanoTime() - start).toMillis();
            assertThat(got.closed()).as(got.text()).isTrue();
            assertThat(got.status()).as(got.text()).isEqualTo(408);
            assertThat(took).as("ms until cut").isBetween(900L, 3_000L);
        }
    }

    @Test
    void anIdleKeptAliveConnectionIsClosedAfterTheIdleTimeout() throws Exception {
        try (RawHttp idle = new RawHttp(gateway.port());
                RawHttp silent = new RawHttp(gateway.port())) {
            assertThat(idle.get("/once").status()).isEqualTo(200);
            long start = System.nanoTime();
            assertThat(idle.isClosedByServer(Duration.ofSeconds(6))).isTrue();
            assertThat(silent.isClosedByServer(Duration.ofSeconds(6)))
                    .as("a connection that never sent a byte")
                    .isTrue();
            long took = Duration.ofNanos(System.nanoTime() - start).toMillis();
            assertThat(took).as("ms until both closed").isBetween(1_500L, 4_500L);
        }
    }

    @Test
    void anHttp2PriorKnowledgeConnectionIsNotTimedAsAnHttp1Head() throws Exception {
        // h2c replaces the HTTP/1.1 codec: no HTTP/1.1 head will come, so the header-read timeout
        // (1 s here) must not answer 408 on an HTTP/2 connection that waits between streams.
        try (Socket socket = new Socket("127.0.0.1", gateway.port())) {
            socket.setSoTimeout(1_700);
            OutputStream out = socket.getOutputStream();
            out.write("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.write(new byte[] {0, 0, 0, 4, 0, 0, 0, 0, 0}); // an empty SETTINGS frame
            out.flush();
            ByteArrayOutputStream received = new ByteArrayOutputStream();
            InputStream in = socket.getInputStream();
            long start = System.nanoTime();
            byte[] buffer = new byte[4096];
            boolean closed = false;
            try {
                for (int n; (n = in.read(buffer)) != -1; ) {
                    received.write(buffer, 0, n);
                }
                closed = true;
            } catch (SocketTimeoutException quietFor1700ms) {
                // what an HTTP/2 server does between streams: nothing
            }
            long took = Duration.ofNanos(System.nanoTime() - start).toMillis();
            byte[] bytes = received.toByteArray();
            assertThat(bytes.length).as("the server's SETTINGS frame").isGreaterThanOrEqualTo(9);
            assertThat(bytes[3]).as("frame type SETTINGS").isEqualTo((byte) 4);
            assertThat(new String(bytes, StandardCharsets.ISO_8859_1)).doesNotContain("HTTP/1.1");
            assertThat(closed).as("closed after %d ms", took).isFalse();
        }
    }

    /** Sends the head one byte every 100 ms (never finishing it) and reads what the gateway answers. */
    private static CompletableFuture<RawHttp.Answer> trickle(RawHttp connection, String head) {
        CompletableFuture<RawHttp.Answer> answer = new CompletableFuture<>();
        Thread trickler = new Thread(() -> {
            try {
                String endless = head + "X-Slow: " + "a".repeat(200);
                for (int i = 0; i < endless.length() && !answer.isDone(); i++) {
                    try {
                        connection.send(endless.substring(i, i + 1));
                    } catch (IOException closed) {
                        break; // the gateway closed the connection
                    }
                    Thread.sleep(100); // the trickle itself: a slowloris client's pace
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        trickler.setDaemon(true);
        trickler.start();
        CompletableFuture.runAsync(() -> {
            try {
                answer.complete(connection.read(Duration.ofSeconds(2), Duration.ofSeconds(10)));
            } catch (IOException e) {
                answer.completeExceptionally(e);
            }
        });
        return answer;
    }
}
