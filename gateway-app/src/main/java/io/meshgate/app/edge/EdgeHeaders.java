package io.meshgate.app.edge;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.util.AsciiString;
import org.springframework.http.server.reactive.HttpHandler;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.http.server.reactive.ServerHttpResponseDecorator;
import reactor.core.publisher.Mono;
import reactor.netty.Connection;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

/**
 * Fixes up each request's headers before either request path (direct proxy or Spring Cloud Gateway)
 * sees them, on every listener: removes the {@code x-http2-*} headers Netty's HTTP/2 to HTTP/1
 * conversion adds (and any a client sent), keeps of {@code TE} only {@code trailers}, sets the
 * forwarded headers ({@link ForwardedHeaders}),
 * and on HTTPS sets {@code Strict-Transport-Security} when {@code meshgate.tls.hsts} is on.
 *
 * <p>HTTP/2 streams, which {@link EdgeConnection} does not see, get the header-count (431) and
 * declared body-size (413) checks here.
 *
 * <p>Per request: six header removals by precomputed name and a {@code TE} lookup (hash lookups, no
 * allocation), the forwarded headers' cost, and with HSTS on one header set plus a before-commit
 * action (a lambda and its registration).
 */
final class EdgeHeaders implements HttpHandler {

    static final AsciiString STRICT_TRANSPORT_SECURITY = AsciiString.cached("strict-transport-security");

    private final HttpHandler next;
    private final RequestHeaderFixups fixups;
    private final int maxHeaderCount;
    private final long maxBodyBytes;
    private final EdgeRejections rejections;

    EdgeHeaders(HttpHandler next, RequestHeaderFixups fixups, LimitsProperties limits, EdgeRejections rejections) {
        this.rejections = rejections;
        this.next = next;
        this.fixups = fixups;
        this.maxHeaderCount = limits.maxHeaderCount();
        this.maxBodyBytes = limits.maxBodyBytes();
    }

    @Override
    public Mono<Void> handle(ServerHttpRequest request, ServerHttpResponse response) {
        if (ServerHttpRequestDecorator.getNativeRequest(request) instanceof HttpServerRequest nativeRequest
                && nativeRequest instanceof Connection connection) {
            HttpHeaders headers = nativeRequest.requestHeaders();
            if (nativeRequest.version().majorVersion() >= 2) {
                // HTTP/1.x requests were checked by EdgeConnection; HTTP/2 streams are checked here.
                HttpServerResponse nativeResponse = ServerHttpResponseDecorator.getNativeResponse(response);
                if (headers.size() > maxHeaderCount) {
                    EdgeRejections.count(rejections.headerCount);
                    return refuse(
                            nativeResponse,
                            HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE,
                            "too many request headers\n");
                }
                if (maxBodyBytes >= 0 && contentLength(headers) > maxBodyBytes) {
                    EdgeRejections.count(rejections.bodySize);
                    return refuse(
                            nativeResponse, HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, "request body too large\n");
                }
            }
            String scheme = nativeRequest.scheme();
            fixups.apply(connection.channel(), scheme, headers);
            String hsts = fixups.hsts(scheme);
            if (hsts != null) {
                strictTransportSecurity(response, hsts);
            }
        }
        return next.handle(request, response);
    }

    /** The declared length, or -1 (none; Netty's HTTP/2 codec rejects a malformed one). */
    private static long contentLength(HttpHeaders headers) {
        String length = headers.get(HttpHeaderNames.CONTENT_LENGTH);
        if (length == null) {
            return -1;
        }
        try {
            return Long.parseLong(length);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static Mono<Void> refuse(HttpServerResponse response, HttpResponseStatus status, String text) {
        return response.status(status)
                .header(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8")
                .sendString(Mono.just(text))
                .then();
    }

    private static void strictTransportSecurity(ServerHttpResponse response, String hsts) {
        // Set now for the direct path (which keeps it over the upstream's headers) and again just
        // before Spring commits the response, after Spring Cloud Gateway copied the upstream's.
        HttpServerResponse nativeResponse = ServerHttpResponseDecorator.getNativeResponse(response);
        nativeResponse.responseHeaders().set(STRICT_TRANSPORT_SECURITY, hsts);
        response.beforeCommit(() -> {
            response.getHeaders().set(STRICT_TRANSPORT_SECURITY.toString(), hsts);
            return Mono.empty();
        });
    }
}
