package io.meshgate.app.proxy;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AsciiString;
import reactor.netty.http.client.HttpClientResponse;
import reactor.netty.http.server.HttpServerResponse;

/**
 * Carries a gRPC response's trailers (its status) from the upstream's HTTP/2 response to the client's
 * on the direct path. Reactor Netty writes trailers only under names the response declares in its
 * {@code Trailer} header, so the gRPC ones are declared; their values are taken from the upstream's
 * trailers when the body has been sent, by which time they have arrived.
 */
final class GrpcTrailers {

    private static final AsciiString GRPC = AsciiString.cached("application/grpc");
    private static final String[] NAMES = {"grpc-status", "grpc-message", "grpc-status-details-bin"};
    private static final String DECLARED = String.join(", ", NAMES);

    private GrpcTrailers() {}

    /** Whether the response is gRPC's: its content type is {@code application/grpc} or a subtype. */
    static boolean isGrpc(HttpHeaders responseHeaders) {
        String type = responseHeaders.get(HttpHeaderNames.CONTENT_TYPE);
        return type != null && GRPC.regionMatches(true, 0, type, 0, GRPC.length());
    }

    /** Whether the client said it reads trailers ({@code TE: trailers}), as gRPC clients do. */
    static boolean asksForTrailers(HttpHeaders requestHeaders) {
        return requestHeaders.containsValue(HttpHeaderNames.TE, HttpHeaderValues.TRAILERS, true);
    }

    /**
     * Declares the gRPC trailers on the client's response and fills them from the upstream's. A
     * trailers-only response (an error status sent in the headers, with no body) has its status moved
     * into trailers, since the client's response cannot end with its headers here.
     */
    static void forward(HttpClientResponse upstream, HttpServerResponse response) {
        HttpHeaders headers = response.responseHeaders();
        Received received = new Received();
        if (headers.contains(NAMES[0])) {
            HttpHeaders status = new DefaultHttpHeaders();
            for (String name : NAMES) {
                String value = headers.get(name);
                if (value != null) {
                    status.set(name, value);
                    headers.remove(name);
                }
            }
            received.trailers = status;
        } else {
            upstream.trailerHeaders().subscribe(trailers -> received.trailers = trailers);
        }
        headers.set(HttpHeaderNames.TRAILER, DECLARED);
        response.trailerHeaders(out -> {
            HttpHeaders trailers = received.trailers;
            if (trailers == null) {
                return;
            }
            for (String name : NAMES) {
                String value = trailers.get(name);
                if (value != null) {
                    out.set(name, value);
                }
            }
        });
    }

    /** The upstream's trailers once they arrived (on the connection's event loop, as is the read). */
    private static final class Received {
        volatile HttpHeaders trailers;
    }
}
