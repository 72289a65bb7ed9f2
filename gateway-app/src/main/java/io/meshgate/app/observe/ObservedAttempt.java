package io.meshgate.app.observe;

import brave.Span;

/**
 * One upstream attempt of an {@link ObservedRequest}: its client span (null when the request is not
 * sampled) and the propagation headers the upstream gets. Ends once, with the upstream's response
 * status ({@link #responded}) or its failure ({@link #failed}).
 */
public final class ObservedAttempt {

    /** Exchange attribute of the current attempt on the Spring Cloud Gateway path. */
    public static final String ATTR = "meshgate.observedAttempt";

    /**
     * Exchange attribute a retrying filter sets before re-running the chain: why the next attempt
     * is made (a short text such as {@code 5xx}, {@code connect-failure}); it tags the client span.
     */
    public static final String RETRY_REASON_ATTR = io.meshgate.route.UpstreamRoutingFilter.RETRY_REASON_ATTR;

    static final ObservedAttempt NOOP = new ObservedAttempt(ObservedRequest.NOOP, null);

    private final ObservedRequest request;
    private final Span span;
    private boolean ended;

    ObservedAttempt(ObservedRequest request, Span span) {
        this.request = request;
        this.span = span;
    }

    /** Puts the trace context into the upstream request's headers (after they are copied). */
    public void inject(io.netty.handler.codec.http.HttpHeaders headers) {
        request.inject(span, headers);
    }

    public void inject(org.springframework.http.HttpHeaders headers) {
        request.inject(span, headers);
    }

    /** The upstream answered with this status: the attempt is over. */
    public void responded(int status) {
        if (ended) {
            return;
        }
        ended = true;
        if (span != null) {
            request.tracing().finishClient(span, status, null);
        }
    }

    /**
     * The attempt failed (no connection, no response in time, a reset). A failure after the
     * response started belongs to the request; it is recorded there too.
     */
    public void failed(Throwable error) {
        request.failed(error);
        if (ended) {
            return;
        }
        ended = true;
        if (span != null) {
            request.tracing().finishClient(span, 0, error);
        }
    }

    /** The request was given up (the client went away) while the attempt was under way. */
    void cancelled() {
        if (ended) {
            return;
        }
        ended = true;
        if (span != null) {
            request.tracing().cancelClient(span);
        }
    }

    boolean propagates() {
        return request.propagates();
    }
}
