package io.meshgate.app.observe;

import brave.Span;
import brave.propagation.TraceContext;
import io.meshgate.app.accesslog.AccessLog;
import io.meshgate.app.accesslog.AccessRecord;
import io.meshgate.app.tracing.ProxyTracing;
import io.meshgate.balance.Endpoint;
import java.net.InetSocketAddress;
import reactor.core.publisher.SignalType;

/**
 * One request as tracing and the access log see it, from arrival to the end of its response: its
 * server span, its upstream attempts, and the access-log record. Both request paths call the same
 * hooks: {@link #attempt} per upstream attempt, {@link #failed} for an error, {@link #end} once
 * (which also closes an attempt the client's leaving cut short).
 * Its methods are called one after the other by the request's reactive chain, never at once.
 */
public abstract class ObservedRequest implements AccessRecord {

    /** Does nothing: the instance returned when both tracing and the access log are off. */
    static final ObservedRequest NOOP = new Noop();

    private final ProxyTracing tracing;
    private final AccessLog log;
    private final Span span;
    private final boolean replacePropagation;
    private final long startNanos = System.nanoTime();
    private final long startMillis = System.currentTimeMillis();
    private final String method;
    private final String identity;

    private String route;
    private String upstream;
    private String endpoint;
    private int attempts;
    private int status;
    private long durationNanos;
    private String responseLength;
    private Throwable error;
    private ObservedAttempt current;
    private boolean ended;

    /**
     * @param span the server span (null when tracing is off)
     * @param replacePropagation whether the request came with propagation headers that the
     *     upstream's must replace
     * @param identity the verified mesh client identity (null: not a mesh connection)
     */
    ObservedRequest(
            ProxyTracing tracing,
            AccessLog log,
            Span span,
            boolean replacePropagation,
            String method,
            String route,
            String identity) {
        this.tracing = tracing;
        this.log = log;
        this.span = span;
        this.replacePropagation = replacePropagation;
        this.method = method;
        this.route = route;
        this.identity = identity;
    }

    /** Names the upstream picked, for a request that ends before any attempt (no ready endpoints). */
    public void upstream(String name) {
        this.upstream = name;
    }

    /**
     * Starts an upstream attempt: the client span (when sampled) and the access log's upstream,
     * endpoint and attempt count.
     *
     * @param number 1 for the first attempt, 2 for the first retry, ...
     * @param retryReason why this attempt is a retry (e.g. {@code 5xx}, {@code reset}); null for the first
     */
    public ObservedAttempt attempt(String upstream, Endpoint endpoint, int number, String retryReason) {
        this.upstream = upstream;
        this.endpoint = endpoint.address();
        this.attempts++;
        // A retry supersedes the failure of the attempt before it: the request's error is the last one's.
        this.error = null;
        if (route == null) {
            // The Spring Cloud Gateway path learns its route after the request started.
            route = finalRoute();
        }
        Span client =
                span == null ? null : tracing.startClient(span, method, route, upstream, endpoint, number, retryReason);
        current = new ObservedAttempt(this, client);
        return current;
    }

    /** Records the failure that ended (or cut short) the request; the first one is kept. */
    public void failed(Throwable error) {
        if (this.error == null) {
            this.error = error;
        }
    }

    /** Ends the request: finishes the server span and writes the access-log line. Once. */
    public void end(SignalType signal) {
        if (ended) {
            return;
        }
        ended = true;
        if (current != null) {
            // Still open only when the client went away while the upstream had not answered yet.
            current.cancelled();
        }
        durationNanos = System.nanoTime() - startNanos;
        status = finalStatus(signal, error);
        responseLength = finalResponseLength();
        if (route == null) {
            route = finalRoute();
        }
        if (upstream == null) {
            upstream = finalUpstream();
        }
        if (span != null) {
            tracing.finishServer(span, method, route, status, error());
        }
        if (log != null) {
            log.write(this);
        }
    }

    /** The status the client got, read from the response when the request ends. */
    abstract int finalStatus(SignalType signal, Throwable error);

    abstract String finalResponseLength();

    String finalRoute() {
        return null;
    }

    String finalUpstream() {
        return null;
    }

    /** The error worth reporting (span, access log): not, say, the 404 of an unknown route. */
    Throwable reportedError(Throwable error) {
        return error;
    }

    void inject(Span client, io.netty.handler.codec.http.HttpHeaders headers) {
        if (span != null) {
            tracing.inject(client != null ? client.context() : span.context(), headers, replacePropagation);
        }
    }

    void inject(Span client, org.springframework.http.HttpHeaders headers) {
        if (span != null) {
            tracing.inject(client != null ? client.context() : span.context(), headers, replacePropagation);
        }
    }

    boolean propagates() {
        return span != null;
    }

    ProxyTracing tracing() {
        return tracing;
    }

    @Override
    public long startMillis() {
        return startMillis;
    }

    @Override
    public long durationNanos() {
        return durationNanos;
    }

    @Override
    public String method() {
        return method;
    }

    @Override
    public String route() {
        return route;
    }

    @Override
    public String upstream() {
        return upstream;
    }

    @Override
    public String endpoint() {
        return endpoint;
    }

    @Override
    public int status() {
        return status;
    }

    @Override
    public int attempts() {
        return attempts;
    }

    @Override
    public String responseLength() {
        return responseLength;
    }

    @Override
    public String traceId() {
        return span == null ? null : span.context().traceIdString();
    }

    @Override
    public boolean sampled() {
        return span != null && !span.isNoop();
    }

    @Override
    public String identity() {
        return identity;
    }

    @Override
    public Throwable error() {
        return reportedError(error);
    }

    /** The trace context of the server span, or null when tracing is off. */
    public TraceContext traceContext() {
        return span == null ? null : span.context();
    }

    private static final class Noop extends ObservedRequest {

        Noop() {
            super(null, null, null, false, null, null, null);
        }

        @Override
        public void upstream(String name) {}

        @Override
        public ObservedAttempt attempt(String upstream, Endpoint endpoint, int number, String retryReason) {
            return ObservedAttempt.NOOP;
        }

        @Override
        public void failed(Throwable error) {}

        @Override
        public void end(SignalType signal) {}

        @Override
        int finalStatus(SignalType signal, Throwable error) {
            return 0;
        }

        @Override
        String finalResponseLength() {
            return null;
        }

        @Override
        public Throwable error() {
            return null;
        }

        @Override
        public String uri() {
            return null;
        }

        @Override
        public String requestLength() {
            return null;
        }

        @Override
        public InetSocketAddress client() {
            return null;
        }
    }
}
