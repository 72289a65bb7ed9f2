package io.meshgate.app.edge;

import reactor.netty.http.server.HttpServer;

/**
 * Applies {@link LimitsProperties} to a Reactor Netty {@link HttpServer}: the traffic listener
 * (plain or TLS) and the mesh listener get the same settings. Netty answers an over-long request
 * line with 414 and over-large headers with 431 (Reactor Netty maps its decoder's exceptions), HTTP/2
 * peers are told the header list size in SETTINGS, and {@link EdgeConnection} adds the checks Netty
 * lacks to every HTTP/1.x connection.
 *
 * <p>Netty 4.2's request decoder already rejects (and Reactor Netty answers 400 and closes) a
 * {@code Content-Length} beside a {@code Transfer-Encoding} (RFC 9112 transfer-encoding handling is
 * its default), repeated or malformed {@code Content-Length}s, {@code chunked} not last or an unknown
 * coding, obs-fold, whitespace before a colon, bare LF line ends, control characters and bad chunk
 * sizes; {@code MalformedRequestsIT} keeps checking that it does.
 */
public final class ListenerHardening {

    private final LimitsProperties limits;
    private final EdgeRejections rejections;
    private final int maxUriLength;
    private final int maxHeaderSize;

    public ListenerHardening(LimitsProperties limits) {
        this(limits, EdgeRejections.NONE);
    }

    ListenerHardening(LimitsProperties limits, EdgeRejections rejections) {
        this.limits = limits;
        this.rejections = rejections;
        this.maxUriLength = Math.toIntExact(limits.maxUriLength().toBytes());
        this.maxHeaderSize = Math.toIntExact(limits.maxHeaderSize().toBytes());
    }

    LimitsProperties limits() {
        return limits;
    }

    EdgeRejections rejections() {
        return rejections;
    }

    /** The server with meshgate's limits, timeouts and edge checks. */
    public HttpServer apply(HttpServer server) {
        return server.httpRequestDecoder(spec -> spec.maxInitialLineLength(maxUriLength)
                        .maxHeaderSize(maxHeaderSize)
                        .allowDuplicateContentLengths(false))
                .http2Settings(spec -> spec.maxHeaderListSize(maxHeaderSize))
                .idleTimeout(limits.idleTimeout())
                .doOnChannelInit(
                        (observer, channel, remoteAddress) -> new EdgeConnection(this).addTo(channel.pipeline()));
    }
}
