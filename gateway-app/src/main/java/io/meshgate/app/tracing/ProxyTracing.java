package io.meshgate.app.tracing;

import brave.Span;
import brave.Tracer;
import brave.Tracing;
import brave.propagation.Propagation;
import brave.propagation.TraceContext;
import brave.propagation.TraceContextOrSamplingFlags;
import io.meshgate.balance.Endpoint;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * meshgate's spans, made by hand with Brave on both request paths: a server span per request and a
 * client span per upstream attempt, its child. The sampler, the propagation formats and the Zipkin
 * reporter are Spring Boot's ({@code management.tracing.*}, {@code management.zipkin.*}); this class
 * only decides what the spans say. An unsampled request costs a header read, a trace context and
 * the propagated headers: no tags, no names, nothing reported.
 */
public final class ProxyTracing {

    /** Tag keys; {@code http.*} and {@code error} as Zipkin and Brave's HTTP instrumentation name them. */
    public static final String ROUTE = "meshgate.route";

    public static final String UPSTREAM = "meshgate.upstream";
    public static final String ENDPOINT = "meshgate.endpoint";
    public static final String ATTEMPT = "meshgate.attempt";
    public static final String RETRY_REASON = "meshgate.retry_reason";
    public static final String OUTCOME = "outcome";
    public static final String METHOD = "http.method";
    public static final String STATUS = "http.status_code";
    public static final String ERROR = "error";
    public static final String CLIENT_IDENTITY = "meshgate.client.identity";
    public static final String TLS_PROTOCOL = "tls.protocol";
    public static final String TLS_SNI = "tls.sni";

    private static final String UNROUTED = "unrouted";

    private final Tracer tracer;
    private final TraceContext.Extractor<io.netty.handler.codec.http.HttpHeaders> nettyExtractor;
    private final TraceContext.Injector<io.netty.handler.codec.http.HttpHeaders> nettyInjector;
    private final TraceContext.Extractor<org.springframework.http.HttpHeaders> springExtractor;
    private final TraceContext.Injector<org.springframework.http.HttpHeaders> springInjector;
    private final String[] keys;

    public ProxyTracing(Tracing tracing) {
        this.tracer = tracing.tracer();
        Propagation<String> propagation = tracing.propagation();
        this.nettyExtractor = propagation.extractor(io.netty.handler.codec.http.HttpHeaders::get);
        this.nettyInjector = propagation.injector(io.netty.handler.codec.http.HttpHeaders::set);
        this.springExtractor = propagation.extractor(org.springframework.http.HttpHeaders::getFirst);
        this.springInjector = propagation.injector(org.springframework.http.HttpHeaders::set);
        List<String> fields = propagation.keys();
        this.keys = fields.toArray(String[]::new);
    }

    public TraceContextOrSamplingFlags extract(io.netty.handler.codec.http.HttpHeaders headers) {
        return nettyExtractor.extract(headers);
    }

    public TraceContextOrSamplingFlags extract(org.springframework.http.HttpHeaders headers) {
        return springExtractor.extract(headers);
    }

    /**
     * Starts the server span of a request: the child of the caller's span when the request carries
     * one (whose sampling decision it keeps), else the root of a new trace sampled by the sampler.
     */
    public Span startServer(TraceContextOrSamplingFlags extracted, String method, InetSocketAddress client) {
        Span span = tracer.nextSpan(extracted);
        if (span.isNoop()) {
            return span;
        }
        span.kind(Span.Kind.SERVER).tag(METHOD, method);
        if (client != null) {
            span.remoteIpAndPort(client.getHostString(), client.getPort());
        }
        return span.start();
    }

    /** Names and tags the server span with what the request turned out to be, and finishes it. */
    /**
     * Tags a server span with what TLS says of its connection: the verified mesh client identity, the
     * protocol and the server name the client asked for (each null when unknown). Sampled spans only.
     */
    public void tagTls(Span span, String identity, String protocol, String serverName) {
        if (span.isNoop()) {
            return;
        }
        if (identity != null) {
            span.tag(CLIENT_IDENTITY, identity);
        }
        if (protocol != null) {
            span.tag(TLS_PROTOCOL, protocol);
        }
        if (serverName != null) {
            span.tag(TLS_SNI, serverName);
        }
    }

    public void finishServer(Span span, String method, String route, int status, Throwable error) {
        if (span.isNoop()) {
            return;
        }
        span.name(method + " " + (route == null ? UNROUTED : route));
        if (route != null) {
            span.tag(ROUTE, route);
        }
        finish(span, status, error);
    }

    /**
     * Starts the client span of one upstream attempt, a child of the server span. Null when the
     * server span is not sampled: the upstream then gets the server span's context.
     */
    public Span startClient(
            Span server,
            String method,
            String route,
            String upstream,
            Endpoint endpoint,
            int attempt,
            String retryReason) {
        if (server.isNoop()) {
            return null;
        }
        Span span = tracer.newChild(server.context())
                .kind(Span.Kind.CLIENT)
                .name(method + " " + upstream)
                .remoteServiceName(upstream)
                .tag(METHOD, method)
                .tag(UPSTREAM, upstream)
                .tag(ENDPOINT, endpoint.address())
                .tag(ATTEMPT, Integer.toString(attempt));
        if (route != null) {
            span.tag(ROUTE, route);
        }
        if (retryReason != null) {
            span.tag(RETRY_REASON, retryReason);
        }
        span.remoteIpAndPort(endpoint.host(), endpoint.port());
        return span.start();
    }

    /** Ends a client span with the upstream's status (0 when it gave none) or the failure. */
    public void finishClient(Span span, int status, Throwable error) {
        finish(span, status, error);
    }

    /** Ends a client span whose request was given up (the client went away) before an answer. */
    public void cancelClient(Span span) {
        span.tag(OUTCOME, "CANCELLED").finish();
    }

    private static void finish(Span span, int status, Throwable error) {
        if (status > 0) {
            span.tag(STATUS, Integer.toString(status));
        }
        span.tag(OUTCOME, outcome(status, error));
        if (error != null) {
            span.error(error);
        } else if (status >= 500) {
            span.tag(ERROR, Integer.toString(status));
        }
        span.finish();
    }

    /** Micrometer's outcome names, plus {@code ERROR} for an attempt that got no response at all. */
    static String outcome(int status, Throwable error) {
        if (status <= 0) {
            return error != null ? "ERROR" : "UNKNOWN";
        }
        return switch (status / 100) {
            case 1 -> "INFORMATIONAL";
            case 2 -> "SUCCESS";
            case 3 -> "REDIRECTION";
            case 4 -> "CLIENT_ERROR";
            case 5 -> "SERVER_ERROR";
            default -> "UNKNOWN";
        };
    }

    /**
     * Writes the context into the upstream request's headers. When the request came with
     * propagation headers, they are removed first: the upstream must see meshgate's span as its
     * parent, not the caller's, whatever formats the caller used.
     */
    public void inject(TraceContext context, io.netty.handler.codec.http.HttpHeaders headers, boolean replace) {
        if (replace) {
            for (String key : keys) {
                headers.remove(key);
            }
        }
        nettyInjector.inject(context, headers);
    }

    public void inject(TraceContext context, org.springframework.http.HttpHeaders headers, boolean replace) {
        if (replace) {
            for (String key : keys) {
                headers.remove(key);
            }
        }
        springInjector.inject(context, headers);
    }
}
