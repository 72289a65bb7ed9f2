package io.meshgate.app.protocols;

import static org.assertj.core.api.Assertions.assertThat;

import io.meshgate.app.GatewayExtension;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.netty.ByteBufFlux;
import reactor.netty.DisposableServer;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.server.HttpServer;
import reactor.util.function.Tuple2;

/**
 * Bodies stream through the gateway without being held back, on both request paths: a slow
 * response's first chunk (plain chunked text, and Server-Sent Events) reaches the client while the
 * upstream is still writing, and a request body's first chunk reaches the upstream before the client
 * has sent the rest.
 */
class StreamingIT {

    static final int CHUNKS = 4;
    static final Duration INTERVAL = Duration.ofMillis(400);

    /** Each request-body chunk the upstream received, as it arrived. */
    static final BlockingQueue<String> RECEIVED = new LinkedBlockingQueue<>();

    static final DisposableServer UPSTREAM = HttpServer.create()
            .host("127.0.0.1")
            .port(0)
            .route(routes -> routes.get(
                            "/{route}/slow", (request, response) -> response.header("content-type", "text/plain")
                                    .sendString(Flux.interval(Duration.ZERO, INTERVAL)
                                            .take(CHUNKS)
                                            .map(i -> "chunk " + i + "\n")))
                    .get("/{route}/events", (request, response) -> response.header("content-type", "text/event-stream")
                            .sendString(Flux.interval(Duration.ZERO, INTERVAL)
                                    .take(CHUNKS)
                                    .map(i -> "id: " + i + "\ndata: event " + i + "\n\n")))
                    .post(
                            "/{route}/upload",
                            (request, response) -> response.sendString(request.receive()
                                    .asString(StandardCharsets.UTF_8)
                                    .doOnNext(RECEIVED::add)
                                    .count()
                                    .map(chunks -> "upstream got the body in " + chunks + " reads\n"))))
            .bindNow(Duration.ofSeconds(10));

    @RegisterExtension
    static GatewayExtension gateway = GatewayExtension.withUpstreams()
            .routes(
                    """
            upstreams:
              streams: { endpoints: [{ address: "127.0.0.1:%d" }] }
            routes:
              - { id: direct, match: { path: /direct/** }, upstream: streams }
              - { id: filtered, match: { path: /filtered/** }, upstream: streams, filters: [ "AddRequestHeader=x-path, scg" ] }
            """
                            .formatted(UPSTREAM.port()));

    @AfterAll
    static void stopUpstream() {
        UPSTREAM.disposeNow(Duration.ofSeconds(5));
    }

    private static HttpClient client() {
        return HttpClient.create().baseUrl("http://127.0.0.1:" + gateway.port());
    }

    @ParameterizedTest
    @ValueSource(strings = {"direct", "filtered"})
    void slowResponseStreamsChunkByChunk(String route) {
        List<Tuple2<Long, String>> chunks = client().get()
                .uri("/" + route + "/slow")
                .responseContent()
                .asString()
                .elapsed()
                .collectList()
                .block(Duration.ofSeconds(20));

        assertThat(String.join("", chunks.stream().map(Tuple2::getT2).toList()))
                .isEqualTo("chunk 0\nchunk 1\nchunk 2\nchunk 3\n");
        assertFirstArrivedWellBeforeTheLast(chunks);
    }

    @ParameterizedTest
    @ValueSource(strings = {"direct", "filtered"})
    void serverSentEventsArriveOneByOne(String route) {
        List<Tuple2<Long, String>> chunks = client().headers(headers -> headers.set("accept", "text/event-stream"))
                .get()
                .uri("/" + route + "/events")
                .responseContent()
                .asString()
                .elapsed()
                .collectList()
                .block(Duration.ofSeconds(20));

        assertThat(String.join("", chunks.stream().map(Tuple2::getT2).toList()))
                .contains("data: event 0\n\n")
                .endsWith("id: 3\ndata: event 3\n\n");
        assertFirstArrivedWellBeforeTheLast(chunks);
    }

    /** The upstream took (CHUNKS - 1) intervals: the first chunk must not have waited for them. */
    private static void assertFirstArrivedWellBeforeTheLast(List<Tuple2<Long, String>> chunks) {
        assertThat(chunks).hasSizeGreaterThanOrEqualTo(2);
        long afterFirst = chunks.stream().skip(1).mapToLong(Tuple2::getT1).sum();
        assertThat(afterFirst)
                .as("milliseconds between the first chunk and the end")
                .isGreaterThanOrEqualTo(INTERVAL.toMillis() * (CHUNKS - 2));
    }

    @ParameterizedTest
    @ValueSource(strings = {"direct", "filtered"})
    void requestBodyReachesTheUpstreamBeforeTheClientHasSentItAll(String route) throws InterruptedException {
        RECEIVED.clear();
        Sinks.Many<String> body = Sinks.many().unicast().onBackpressureBuffer();
        Mono<String> answer = client().headers(headers -> headers.set("content-type", "text/plain"))
                .post()
                .uri("/" + route + "/upload")
                .send(ByteBufFlux.fromString(body.asFlux()))
                .responseContent()
                .aggregate()
                .asString()
                .cache();
        answer.subscribe();

        body.tryEmitNext("first part;");
        // Only once the upstream has the first part does the client send the rest.
        assertThat(RECEIVED.poll(10, TimeUnit.SECONDS)).isEqualTo("first part;");
        body.tryEmitNext("second part");
        body.tryEmitComplete();

        assertThat(answer.block(Duration.ofSeconds(10))).startsWith("upstream got the body in ");
        assertThat(RECEIVED.poll(10, TimeUnit.SECONDS)).isEqualTo("second part");
    }
}
