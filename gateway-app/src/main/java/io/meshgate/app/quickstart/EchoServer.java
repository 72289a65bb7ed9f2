package io.meshgate.app.quickstart;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import tools.jackson.databind.json.JsonMapper;

/**
 * A small HTTP upstream that answers every request with a JSON description of it (which upstream
 * answered, method, path, headers, body size), so the quickstart and the tests can see where a
 * request went and what reached it. Headers {@code x-echo-status} and {@code x-echo-delay-ms} ask
 * for another status or a slow answer; {@code x-echo-stream-chunks: N} (with {@code
 * x-echo-stream-interval-ms}, default 100) for a slow streaming answer instead: the response headers
 * at once, then N lines {@code chunk i} one interval apart, then the end.
 */
public final class EchoServer implements AutoCloseable {

    /** Response header naming the upstream that answered. */
    public static final String UPSTREAM_HEADER = "x-upstream";

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final String name;
    private final DisposableServer server;

    private EchoServer(String name, DisposableServer server) {
        this.name = name;
        this.server = server;
    }

    /** Starts an echo server on the host and port (0 for any free port). */
    public static EchoServer start(String name, String host, int port) {
        DisposableServer server = HttpServer.create()
                .host(host)
                .port(port)
                .handle((request, response) -> echo(name, request, response))
                .bindNow(Duration.ofSeconds(10));
        return new EchoServer(name, server);
    }

    private static Publisher<Void> echo(String name, HttpServerRequest request, HttpServerResponse response) {
        return request.receive()
                .aggregate()
                .asByteArray()
                .defaultIfEmpty(new byte[0])
                .flatMap(body -> {
                    Map<String, Object> description = new LinkedHashMap<>();
                    description.put("upstream", name);
                    description.put("method", request.method().name());
                    description.put("uri", request.uri());
                    Map<String, String> headers = new LinkedHashMap<>();
                    request.requestHeaders()
                            .forEach(header -> headers.merge(
                                    header.getKey().toLowerCase(java.util.Locale.ROOT),
                                    header.getValue(),
                                    (a, b) -> a + "," + b));
                    description.put("headers", headers);
                    description.put("bodyBytes", body.length);
                    String chunks = request.requestHeaders().get("x-echo-stream-chunks");
                    if (chunks != null) {
                        String interval = request.requestHeaders().get("x-echo-stream-interval-ms");
                        return stream(
                                name,
                                response,
                                Integer.parseInt(chunks),
                                Duration.ofMillis(interval == null ? 100 : Long.parseLong(interval)));
                    }
                    String status = request.requestHeaders().get("x-echo-status");
                    String delay = request.requestHeaders().get("x-echo-delay-ms");
                    Mono<Void> reply = response.status(status == null ? 200 : Integer.parseInt(status))
                            .header(UPSTREAM_HEADER, name)
                            .header("content-type", "application/json")
                            .sendByteArray(Mono.just(JSON.writeValueAsBytes(description)))
                            .then();
                    return delay == null
                            ? reply
                            : Mono.delay(Duration.ofMillis(Long.parseLong(delay)))
                                    .then(reply);
                });
    }

    private static Mono<Void> stream(String name, HttpServerResponse response, int chunks, Duration interval) {
        return response.header(UPSTREAM_HEADER, name)
                .header("content-type", "text/plain")
                .sendString(Flux.interval(Duration.ZERO, interval).take(chunks).map(i -> "chunk " + i + "\n"))
                .then();
    }

    public String name() {
        return name;
    }

    public int port() {
        return server.port();
    }

    /** {@code 127.0.0.1:port}, as written in a route file. */
    public String address() {
        return server.host() + ":" + server.port();
    }

    @Override
    public void close() {
        server.disposeNow(Duration.ofSeconds(5));
    }
}
