package io.meshgate.app.edge;

import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpServerCodec;
import reactor.netty.http.server.HttpServer;

/**
 * Applies {@link LimitsProperties} to a Reactor Netty {@link HttpServer}: the traffic listener
 * (plain or TLS) and the mesh listener get the same settings. Netty answers an over-long request
 * line with 414 and over-large headers with 431 (Reactor Netty maps its decoder's exceptions), HTTP/2
 * peers are told the header list size in SETTINGS, and {@link EdgeConnection} adds the checks Netty
 * lacks to every HTTP/1.x connection.
 */
public final class ListenerHardening {

    private final LimitsProperties limits;
    private final HttpDecoderConfig decoderConfig;

    public ListenerHardening(LimitsProperties limits) {
        this.limits = limits;
        // RFC 9112 transfer-encoding handling: a Content-Length beside a Transfer-Encoding is an
        // error (Netty's default drops the Content-Length and goes on).
        this.decoderConfig = new HttpDecoderConfig()
                .setMaxInitialLineLength(Math.toIntExact(limits.maxUriLength().toBytes()))
                .setMaxHeaderSize(Math.toIntExact(limits.maxHeaderSize().toBytes()))
                .setAllowDuplicateContentLengths(false)
                .setStrictLineParsing(true)
                .setUseRfc9112TransferEncoding(true);
    }

    LimitsProperties limits() {
        return limits;
    }

    HttpServerCodec newCodec() {
        return new HttpServerCodec(decoderConfig);
    }

    /** The server with meshgate's limits, timeouts and edge checks. */
    public HttpServer apply(HttpServer server) {
        return server.httpRequestDecoder(spec -> spec.maxInitialLineLength(decoderConfig.getMaxInitialLineLength())
                        .maxHeaderSize(decoderConfig.getMaxHeaderSize()))
                .http2Settings(spec -> spec.maxHeaderListSize(decoderConfig.getMaxHeaderSize()))
                .idleTimeout(limits.idleTimeout())
                .readTimeout(limits.bodyReadTimeout())
                .doOnChannelInit(
                        (observer, channel, remoteAddress) -> new EdgeConnection(this).addTo(channel.pipeline()));
    }
}
