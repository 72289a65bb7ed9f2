package io.meshgate.app.edge;

import io.meshgate.app.proxy.HopByHopHeaders;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http2.HttpConversionUtil;
import io.netty.util.AsciiString;

/**
 * The header fix-ups every request gets before a path proxies it, whichever path that is ({@link
 * EdgeHeaders} in front of WebFlux, the HTTP/1.1 pass-through on Netty): removes the {@code
 * x-http2-*} headers Netty's HTTP/2 to HTTP/1 conversion adds (and any a client sent), keeps of
 * {@code TE} only {@code trailers}, and sets the forwarded headers ({@link ForwardedHeaders}).
 */
public final class RequestHeaderFixups {

    private static final AsciiString[] NETTY_HTTP2 = {
        HttpConversionUtil.ExtensionHeaderNames.STREAM_ID.text(),
        HttpConversionUtil.ExtensionHeaderNames.SCHEME.text(),
        HttpConversionUtil.ExtensionHeaderNames.PATH.text(),
        HttpConversionUtil.ExtensionHeaderNames.STREAM_PROMISE_ID.text(),
        HttpConversionUtil.ExtensionHeaderNames.STREAM_DEPENDENCY_ID.text(),
        HttpConversionUtil.ExtensionHeaderNames.STREAM_WEIGHT.text()
    };

    private final ForwardedHeaders forwarded;
    private final String hsts; // null: off

    RequestHeaderFixups(ForwardedHeaders forwarded, String hsts) {
        this.forwarded = forwarded;
        this.hsts = hsts;
    }

    /**
     * Fixes the headers of a request that arrived on the channel (an HTTP/2 stream's or a
     * connection's) by the scheme ({@code http} or {@code https}).
     */
    public void apply(Channel channel, String scheme, HttpHeaders headers) {
        for (AsciiString name : NETTY_HTTP2) {
            headers.remove(name);
        }
        String te = headers.get(HttpHeaderNames.TE);
        if (te != null) {
            // TE is hop-by-hop; only "trailers" goes on (gRPC needs it), on both paths alike.
            if (HopByHopHeaders.hasToken(te, HttpHeaderValues.TRAILERS)) {
                headers.set(HttpHeaderNames.TE, HttpHeaderValues.TRAILERS);
            } else {
                headers.remove(HttpHeaderNames.TE);
            }
        }
        forwarded.apply(channel, scheme, headers);
    }

    /** The {@code Strict-Transport-Security} value a response over this scheme gets, or null. */
    public String hsts(String scheme) {
        return hsts != null && scheme.equals("https") ? hsts : null;
    }
}
