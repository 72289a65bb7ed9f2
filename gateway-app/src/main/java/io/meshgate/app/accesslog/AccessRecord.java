package io.meshgate.app.accesslog;

import java.net.InetSocketAddress;

/**
 * What the access log writes about one request. The request path hands over the raw values it has
 * anyway (header strings, the trace context, the socket address); turning them into text is left to
 * {@link AccessLogFormatter}, which runs on the log's own thread, not on the event loop.
 */
public interface AccessRecord {

    /** Wall-clock time the request arrived, in epoch milliseconds. */
    long startMillis();

    /** Time from arrival to the end of the response, in nanoseconds. */
    long durationNanos();

    String method();

    /** The request target as received (path and query); the log writes only the path. */
    String uri();

    /** Route id, or null when no route matched. */
    String route();

    /** Upstream chosen for the last attempt, or null when none was. */
    String upstream();

    /** Endpoint address ({@code host:port}) of the last attempt, or null when none was tried. */
    String endpoint();

    /** Status sent to the client; 499 when the client went away before the response started. */
    int status();

    /** Upstream attempts made (0 when the request never reached an upstream). */
    int attempts();

    /** The request's {@code Content-Length} header, or null when it has none (chunked or no body). */
    String requestLength();

    /** The response's {@code Content-Length} header, or null when it has none. */
    String responseLength();

    /** Trace id (hex), or null when tracing is off. */
    String traceId();

    /** Whether the request's trace is sampled (reported to Zipkin). */
    boolean sampled();

    /** The client's address, or null when unknown. */
    InetSocketAddress client();

    /**
     * The verified mesh client identity (the client certificate's URI SAN, else DNS SAN) of a request
     * on the mesh listener; null on the traffic port.
     */
    String identity();

    /** The failure that ended the request (upstream error, reset), or null. */
    Throwable error();
}
