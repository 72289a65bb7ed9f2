package io.meshgate.app.discovery;

import io.meshgate.app.quickstart.EchoServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;

/**
 * A few clients sending requests to the gateway in the background, each paced (one request, then a
 * pause of {@code pace}), bounded in count and in time, recording when each request started and who
 * answered.
 */
final class BoundedLoad implements AutoCloseable {

    /** One request: start and end (System.nanoTime), status (-1: no answer) and who answered. */
    record Result(long startNanos, long endNanos, int status, String upstream, String body) {}

    private final HttpClient client = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    private final URI uri;
    private final int maxRequests;
    private final long deadlineNanos;
    private final long paceNanos;
    private final AtomicInteger sent = new AtomicInteger();
    private final ConcurrentLinkedQueue<Result> results = new ConcurrentLinkedQueue<>();
    private final List<Thread> threads = new ArrayList<>();
    /** Per client: the start of its request in flight, 0 when idle. */
    private final AtomicLongArray inFlight;

    private volatile boolean running = true;

    BoundedLoad(URI uri, int clients, int maxRequests, Duration maxTime, Duration pace) {
        this.uri = uri;
        this.maxRequests = maxRequests;
        this.deadlineNanos = System.nanoTime() + maxTime.toNanos();
        this.paceNanos = pace.toNanos();
        this.inFlight = new AtomicLongArray(clients);
        for (int i = 0; i < clients; i++) {
            int index = i;
            Thread thread = new Thread(() -> run(index), "bounded-load-" + i);
            thread.setDaemon(true);
            threads.add(thread);
        }
    }

    BoundedLoad start() {
        threads.forEach(Thread::start);
        return this;
    }

    private void run(int index) {
        HttpRequest request =
                HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build();
        while (running && System.nanoTime() < deadlineNanos && sent.incrementAndGet() <= maxRequests) {
            long start = System.nanoTime();
            inFlight.set(index, start);
            try {
                HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
                results.add(new Result(
                        start,
                        System.nanoTime(),
                        response.statusCode(),
                        response.headers()
                                .firstValue(EchoServer.UPSTREAM_HEADER)
                                .orElse(null),
                        response.body()));
            } catch (java.io.IOException e) {
                results.add(new Result(start, System.nanoTime(), -1, null, e.toString()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } finally {
                inFlight.set(index, 0);
            }
            LockSupport.parkNanos(paceNanos);
        }
    }

    /** Whether every request that started before {@code nanos} has its answer. */
    boolean noneInFlightStartedBefore(long nanos) {
        for (int i = 0; i < inFlight.length(); i++) {
            long started = inFlight.get(i);
            if (started != 0 && started < nanos) {
                return false;
            }
        }
        return true;
    }

    /** How many answered requests started after {@code nanos}. */
    long answeredSince(long nanos) {
        return results.stream().filter(result -> result.startNanos() > nanos).count();
    }

    /** Results so far. */
    List<Result> results() {
        return List.copyOf(results);
    }

    /** Stops the clients, waits for their last requests, and returns every result. */
    List<Result> stop() {
        running = false;
        for (Thread thread : threads) {
            try {
                thread.join(Duration.ofSeconds(15).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return results();
    }

    @Override
    public void close() {
        stop();
    }
}
