package io.meshgate.app;

import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

/**
 * An upstream on 127.0.0.1 that a test can tell to misbehave: answer slowly, answer with an error
 * status, or stop listening (connections refused) and come back on the same port. It counts the
 * requests it received and names itself in the {@code x-upstream} header and the body.
 */
public final class ControlledUpstream implements AutoCloseable {

    /** Request header whose values the upstream counts ({@link #ids()}). */
    public static final String ID_HEADER = "x-id";

    /** Response header naming the upstream that answered. */
    public static final String UPSTREAM_HEADER = "x-upstream";

    private final String name;
    private volatile int port;
    private final AtomicReference<Duration> delay = new AtomicReference<>(Duration.ZERO);
    private volatile int status = 200;
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong bytesReceived = new AtomicLong();
    private final AtomicLong lastBodyBytes = new AtomicLong();
    // Values of the ID_HEADER seen, with how often each arrived.
    private final Map<String, AtomicInteger> ids = new ConcurrentHashMap<>();
    private volatile DisposableServer server;
    // Open connections, so that stop() can close them as a dying process would.
    private final ChannelGroup connections = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);

    private ControlledUpstream(String name) {
        this.name = name;
    }

    /** Starts an upstream on a free port. */
    public static ControlledUpstream start(String name) {
        ControlledUpstream upstream = new ControlledUpstream(name);
        upstream.server = upstream.bind(0);
        upstream.port = upstream.server.port();
        return upstream;
    }

    private DisposableServer bind(int bindPort) {
        return HttpServer.create()
                .host("127.0.0.1")
                .port(bindPort)
                // Larger than the gateway's limits, so the gateway's own are what a test meets.
                .httpRequestDecoder(spec -> spec.maxInitialLineLength(64 * 1024).maxHeaderSize(128 * 1024))
                .doOnConnection(connection -> connections.add(connection.channel()))
                .handle((request, response) -> {
                    requests.incrementAndGet();
                    String id = request.requestHeaders().get(ID_HEADER);
                    if (id != null) {
                        ids.computeIfAbsent(id, key -> new AtomicInteger()).incrementAndGet();
                    }
                    Duration wait = delay.get();
                    Mono<Void> reply = request.receive()
                            .map(chunk -> {
                                bytesReceived.addAndGet(chunk.readableBytes());
                                return (long) chunk.readableBytes();
                            })
                            .reduce(0L, Long::sum)
                            .doOnNext(lastBodyBytes::set)
                            .then(response.status(status)
                                    .header(UPSTREAM_HEADER, name)
                                    .header("content-type", "text/plain")
                                    .sendString(Mono.just(name))
                                    .then());
                    return wait.isZero() ? reply : Mono.delay(wait).then(reply);
                })
                .bindNow(Duration.ofSeconds(10));
    }

    public String name() {
        return name;
    }

    /** {@code 127.0.0.1:port}, as written in a route file. */
    public String address() {
        return "127.0.0.1:" + port;
    }

    /** Answers every request after this long (zero: at once). */
    public ControlledUpstream delay(Duration wait) {
        delay.set(wait);
        return this;
    }

    /** Answers every request with this status. */
    public ControlledUpstream status(int code) {
        this.status = code;
        return this;
    }

    /** Back to answering 200 at once. */
    public ControlledUpstream healthy() {
        return delay(Duration.ZERO).status(200);
    }

    /** Requests received since start or the last {@link #resetCount()}. */
    public long requests() {
        return requests.get();
    }

    /** How often each value of {@link #ID_HEADER} arrived. */
    public Map<String, Integer> ids() {
        Map<String, Integer> copy = new java.util.HashMap<>();
        ids.forEach((id, count) -> copy.put(id, count.get()));
        return copy;
    }

    /** Request body bytes received so far, over all requests (also while a body is still arriving). */
    public long bytesReceived() {
        return bytesReceived.get();
    }

    /** The body size of the last request that was read to its end. */
    public long lastBodyBytes() {
        return lastBodyBytes.get();
    }

    public void resetCount() {
        requests.set(0);
    }

    /** Stops listening: new connections are refused, open ones are closed. */
    public synchronized void stop() {
        DisposableServer s = server;
        if (s != null) {
            s.disposeNow(Duration.ofSeconds(5));
            connections.close().awaitUninterruptibly();
            server = null;
        }
    }

    /** Listens again on the same port. */
    public synchronized void restart() {
        if (server == null) {
            server = bind(port);
        }
    }

    @Override
    public void close() {
        stop();
    }
}
