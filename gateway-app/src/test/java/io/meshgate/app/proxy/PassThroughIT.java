package io.meshgate.app.proxy;

import static io.meshgate.app.proxy.ScriptedUpstream.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.meshgate.app.GatewayExtension;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The HTTP/1.1 pass-through (io.meshgate.app.proxy.h1) through the running gateway, for what its
 * Netty handlers do themselves: kept-alive upstream connections the upstream closed, response
 * framing for HTTP/1.1 and HTTP/1.0 clients, pipelining, a client leaving mid-response, the route
 * timeout. The rest of the direct path's behaviour (retries, breakers, tracing, the access log,
 * metrics) is tested by the feature ITs, whose filter-less GET routes take this path.
 */
class PassThroughIT {

    private static final ScriptedUpstream scripted = scripted();

    @RegisterExtension
    static final GatewayExtension gateway = GatewayExtension.withUpstreams("a")
            .routes(
                    """
                    upstreams:
                      echo: { endpoints: [ { address: "{{a}}" } ] }
                      scripted: { endpoints: [ { address: "%s" } ] }
                    routes:
                      - id: hang
                        match: { path: /s/hang }
                        upstream: scripted
                        timeout: 300ms
                      - id: scripted
                        match: { path: /s/** }
                        upstream: scripted
                      - id: echo
                        upstream: echo
                    """
                            .formatted(scripted.address()));

    private final HttpClient client = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    private static ScriptedUpstream scripted() {
        try {
            return ScriptedUpstream.start(PassThroughIT::answer);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean answer(ScriptedUpstream.Request request, OutputStream out) throws IOException {
        String path = request.path();
        switch (path.contains("?") ? path.substring(0, path.indexOf('?')) : path) {
            case "/s/stale", "/s/stale-post" -> {
                if (request.onConnection() > 1) {
                    return false; // closes a kept-alive connection as the next request arrives
                }
                write(out, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
                return true;
            }
            case "/s/chunked" -> {
                write(
                        out,
                        "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n"
                                + "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n");
                return true;
            }
            case "/s/eof" -> {
                write(out, "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil the end");
                return false; // the body ends with the connection
            }
            case "/s/head" -> {
                write(out, "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Type: text/plain\r\n\r\n");
                return true;
            }
            case "/s/stall" -> {
                write(out, "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nfirst");
                return true; // the other 95 bytes never come
            }
            case "/s/garbage" -> {
                write(out, "HTTP/1.1 2xx Fine\r\nContent-Length: 2\r\n\r\nok");
                return true;
            }
            case "/s/huge-head" -> {
                write(out, "HTTP/1.1 200 OK\r\nX-Big: " + "b".repeat(64 * 1024) + "\r\nContent-Length: 2\r\n\r\nok");
                return true;
            }
            case "/s/slow" -> {
                try {
                    Thread.sleep(300);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                write(out, "HTTP/1.1 200 OK\r\nContent-Length: " + path.length() + "\r\n\r\n" + path);
                return true;
            }
            case "/s/hang" -> {
                return true; // no answer
            }
            default -> {
                write(out, "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n");
                return true;
            }
        }
    }

    @AfterAll
    static void closeUpstream() throws IOException {
        scripted.close();
    }

    private HttpResponse<String> get(String path, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port() + path))
                .timeout(Duration.ofSeconds(10));
        if (headers.length > 0) {
            request.headers(headers);
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aKeptAliveConnectionTheUpstreamClosedIsReplacedOnceForAnIdempotentRequest() throws Exception {
        for (int i = 0; i < 4; i++) {
            HttpResponse<String> response = get("/s/stale", "x-meshgate-debug", "attempts");
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).isEqualTo("ok");
            // Not a retry: nothing was processed, and the route's retries stay for real failures.
            assertThat(response.headers().firstValue("x-meshgate-attempts")).hasValue("1");
        }
        assertThat(scripted.requests())
                .as("requests that found their kept-alive connection closed")
                .anyMatch(request -> request.path().equals("/s/stale") && request.onConnection() > 1);
    }

    @Test
    void aNonIdempotentRequestIsNotSentAgainWhenItsConnectionCloses() throws Exception {
        // Leaves a kept-alive upstream connection on the client connection's event loop.
        assertThat(get("/s/chunked").statusCode()).isEqualTo(200);
        HttpResponse<String> post = client.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port() + "/s/stale-post"))
                        .POST(HttpRequest.BodyPublishers.noBody())
                        .timeout(Duration.ofSeconds(10))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        // The kept-alive connection the GET left (the pool hands out its most recent first).
        assertThat(scripted.requests())
                .filteredOn(request -> request.path().equals("/s/stale-post"))
                .singleElement()
                .matches(request -> request.onConnection() > 1, "arrived on a kept-alive connection");
        assertThat(post.statusCode()).isEqualTo(502);
        assertThat(post.body())
                .startsWith("upstream 'scripted' endpoint " + scripted.address())
                .contains("connection closed by the upstream before any response");
    }

    @Test
    void aChunkedAnswerReachesAnHttp11ClientChunkedAndAnHttp10ClientCloseDelimited() throws Exception {
        HttpResponse<String> http11 = get("/s/chunked");
        assertThat(http11.statusCode()).isEqualTo(200);
        assertThat(http11.body()).isEqualTo("hello world");
        assertThat(http11.headers().firstValue("transfer-encoding")).hasValue("chunked");

        String http10 = exchange("GET /s/chunked HTTP/1.0\r\nHost: x\r\n\r\n");
        assertThat(http10).startsWith("HTTP/1.1 200 OK\r\n").endsWith("\r\n\r\nhello world");
        assertThat(http10.toLowerCase()).contains("connection: close").doesNotContain("transfer-encoding");
    }

    @Test
    void aCloseDelimitedAnswerReachesTheClientWhole() throws Exception {
        HttpResponse<String> response = get("/s/eof");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("until the end");
        // And the connection to the gateway is kept: another request on it is answered.
        assertThat(get("/s/chunked").body()).isEqualTo("hello world");
    }

    @Test
    void aHeadAnswerKeepsItsLengthAndTheConnectionGoesOn() throws Exception {
        String answers = exchange("HEAD /s/head HTTP/1.1\r\nHost: x\r\n\r\n"
                + "GET /s/chunked HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        assertThat(answers).startsWith("HTTP/1.1 200 OK\r\n");
        int second = answers.indexOf("HTTP/1.1 200 OK", 1);
        assertThat(second).as("second answer").isPositive();
        assertThat(answers.substring(0, second).toLowerCase())
                .contains("content-length: 5")
                .endsWith("\r\n\r\n");
        assertThat(answers).endsWith("5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n");
    }

    @Test
    void pipelinedRequestsAreAnsweredInOrder() throws Exception {
        String answers = exchange("GET /one HTTP/1.1\r\nHost: x\r\n\r\n"
                + "GET /s/chunked HTTP/1.1\r\nHost: x\r\n\r\n"
                + "GET /three HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        Matcher statuses = Pattern.compile("HTTP/1.1 200 OK").matcher(answers);
        assertThat(statuses.results().count()).isEqualTo(3);
        int one = answers.indexOf("\"uri\":\"/one\"");
        int two = answers.indexOf("hello\r\n");
        int three = answers.indexOf("\"uri\":\"/three\"");
        assertThat(List.of(one, two, three)).allMatch(at -> at > 0);
        assertThat(one).isLessThan(two);
        assertThat(two).isLessThan(three);
    }

    @Test
    void aClientLeavingMidResponseClosesItsUpstreamConnectionAndTheGatewayServesOn() throws Exception {
        int closedBefore = scripted.closedByPeer();
        try (Socket socket = new Socket("127.0.0.1", gateway.port())) {
            socket.getOutputStream()
                    .write("GET /s/stall HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            String seen = readUntil(socket.getInputStream(), "first");
            assertThat(seen).startsWith("HTTP/1.1 200 OK");
            assertThat(seen.toLowerCase()).contains("content-length: 100");
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> scripted.closedByPeer() > closedBefore);
        assertThat(get("/s/chunked").body()).isEqualTo("hello world");
    }

    @Test
    void noAnswerWithinTheRouteTimeoutIs504AndTheConnectionIsClosed() throws Exception {
        int closedBefore = scripted.closedByPeer();
        long start = System.nanoTime();
        HttpResponse<String> response = get("/s/hang");
        long tookMillis = (System.nanoTime() - start) / 1_000_000;
        assertThat(response.statusCode()).isEqualTo(504);
        assertThat(response.body())
                .isEqualTo("upstream 'scripted' endpoint " + scripted.address()
                        + ": no response within the route timeout 300ms\n");
        assertThat(tookMillis).isBetween(250L, 5_000L);
        await().atMost(Duration.ofSeconds(5)).until(() -> scripted.closedByPeer() > closedBefore);
    }

    @Test
    void anAnswerThatCannotBeDecodedIs502AndItsConnectionIsNotKept() throws Exception {
        for (String path : List.of("/s/garbage", "/s/huge-head")) {
            int closedBefore = scripted.closedByPeer();
            HttpResponse<String> response = get(path, "x-meshgate-debug", "attempts");
            assertThat(response.statusCode()).as(path).isEqualTo(502);
            assertThat(response.body()).as(path).startsWith("upstream 'scripted' endpoint " + scripted.address());
            // Each attempt (the default policy retries a GET on a broken answer) closed its connection.
            int attempts = Integer.parseInt(
                    response.headers().firstValue("x-meshgate-attempts").orElseThrow());
            await().atMost(Duration.ofSeconds(5)).until(() -> scripted.closedByPeer() >= closedBefore + attempts);
        }
        assertThat(get("/s/chunked").body()).isEqualTo("hello world");
    }

    @Test
    void manyPipelinedRequestsAreAnsweredInOrder() throws Exception {
        StringBuilder requests = new StringBuilder();
        for (int i = 1; i <= 6; i++) {
            requests.append(i % 2 == 0 ? "GET /s/chunked" : "GET /n" + i).append(" HTTP/1.1\r\nHost: x\r\n");
            requests.append(i == 6 ? "Connection: close\r\n\r\n" : "\r\n");
        }
        String answers = exchange(requests.toString());
        assertThat(Pattern.compile("HTTP/1.1 200 OK").matcher(answers).results().count())
                .isEqualTo(6);
        int n1 = answers.indexOf("\"uri\":\"/n1\"");
        int n3 = answers.indexOf("\"uri\":\"/n3\"");
        int n5 = answers.indexOf("\"uri\":\"/n5\"");
        assertThat(n1).isPositive().isLessThan(n3);
        assertThat(n3).isLessThan(n5);
        assertThat(answers).endsWith("5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n");
    }

    @Test
    void aRequestArrivingWhileAPipelinedOneRunsIsAnsweredInItsTurn() throws Exception {
        String id = Long.toString(System.nanoTime());
        try (Socket socket = new Socket("127.0.0.1", gateway.port())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(("GET /s/slow?" + id + "-1 HTTP/1.1\r\nHost: x\r\n\r\n" + "GET /s/slow?" + id
                            + "-2 HTTP/1.1\r\nHost: x\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            // The second is under way (the end of its request still waits behind it) when the third comes.
            await().atMost(Duration.ofSeconds(5)).until(() -> scripted.requests().stream()
                    .anyMatch(r -> r.path().endsWith(id + "-2")));
            out.write(("GET /s/slow?" + id + "-3 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            String answers = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            int first = answers.indexOf(id + "-1");
            int second = answers.indexOf(id + "-2");
            int third = answers.indexOf(id + "-3");
            assertThat(first).as(answers).isPositive().isLessThan(second);
            assertThat(second).as(answers).isLessThan(third);
        }
    }

    @Test
    void aSmallBodyIsReadWholeAndEveryAttemptSendsIt() throws Exception {
        byte[] body = new byte[10_000];
        java.util.Arrays.fill(body, (byte) 'x');
        HttpResponse<String> post = client.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port() + "/post"))
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                        .timeout(Duration.ofSeconds(10))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(post.statusCode()).isEqualTo(200);
        assertThat(post.body()).contains("\"method\":\"POST\"").contains("\"bodyBytes\":10000");

        // A PUT answered 503 is retried (3 attempts by default): the last attempt got the whole body too.
        HttpResponse<String> put = client.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port() + "/put"))
                        .PUT(HttpRequest.BodyPublishers.ofByteArray(body))
                        .header("x-echo-status", "503")
                        .header("x-meshgate-debug", "attempts")
                        .timeout(Duration.ofSeconds(10))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(put.statusCode()).isEqualTo(503);
        assertThat(put.headers().firstValue("x-meshgate-attempts")).hasValue("3");
        assertThat(put.body()).contains("\"bodyBytes\":10000");
    }

    /** Sends raw bytes and reads until the gateway closes the connection. */
    private static String exchange(String requests) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", gateway.port())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(requests.getBytes(StandardCharsets.US_ASCII));
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    private static String readUntil(InputStream in, String marker) throws IOException {
        ByteArrayOutputStream seen = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) >= 0) {
            seen.write(b);
            if (seen.toString(StandardCharsets.ISO_8859_1).endsWith(marker)) {
                break;
            }
        }
        return seen.toString(StandardCharsets.ISO_8859_1);
    }
}
