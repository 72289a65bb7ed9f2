package io.meshgate.app.observe;

import brave.Span;
import io.meshgate.app.mesh.ClientIdentity;
import io.meshgate.app.tracing.ProxyTracing;
import io.netty.channel.Channel;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.ssl.SslHandler;
import java.nio.charset.StandardCharsets;
import java.util.List;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLSession;
import javax.net.ssl.StandardConstants;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import reactor.netty.Connection;
import reactor.netty.http.server.HttpServerRequest;

/**
 * What tracing and the access log learn from a request's TLS connection: the verified mesh client
 * identity (kept on the channel by the mesh listener) and, for sampled spans, the protocol and SNI.
 * A plaintext request costs one scheme comparison; nothing here allocates per request.
 */
final class ConnectionTls {

    private static final String HTTPS = "https";

    private ConnectionTls() {}

    /** The channel of a direct-path request that came over TLS, or null. */
    static Channel of(HttpServerRequest request) {
        return HTTPS.equals(request.scheme()) && request instanceof Connection connection ? connection.channel() : null;
    }

    /** The channel of a WebFlux request that came over TLS, or null. */
    static Channel of(ServerHttpRequest request) {
        if (!HTTPS.equals(request.getURI().getScheme())) {
            return null;
        }
        try {
            Object nativeRequest = ServerHttpRequestDecorator.getNativeRequest(request);
            return nativeRequest instanceof Connection connection ? connection.channel() : null;
        } catch (IllegalArgumentException notReactorNetty) {
            return null; // a request WebFlux did not get from Reactor Netty (tests): no channel
        }
    }

    /** The verified mesh client identity of a TLS channel ({@link #of}), or null. */
    static String identity(Channel tls) {
        return tls == null ? null : ClientIdentity.verified(tls);
    }

    /** Tags a sampled server span with the identity, TLS protocol and SNI of its TLS channel. */
    static void tag(ProxyTracing tracing, Span span, Channel tls, String identity) {
        if (tls == null || span.isNoop()) {
            return;
        }
        Channel connection = tls instanceof Http2StreamChannel stream ? stream.parent() : tls;
        SslHandler ssl = connection.pipeline().get(SslHandler.class);
        SSLSession session = ssl == null ? null : ssl.engine().getSession();
        tracing.tagTls(span, identity, session == null ? null : session.getProtocol(), serverName(session));
    }

    private static String serverName(SSLSession session) {
        if (session instanceof ExtendedSSLSession extended) {
            try {
                List<SNIServerName> names = extended.getRequestedServerNames();
                for (SNIServerName name : names) {
                    if (name instanceof SNIHostName host) {
                        return host.getAsciiName();
                    }
                    if (name.getType() == StandardConstants.SNI_HOST_NAME) {
                        return new String(name.getEncoded(), StandardCharsets.US_ASCII);
                    }
                }
            } catch (UnsupportedOperationException e) {
                return null; // an engine that does not keep it
            }
        }
        return null;
    }
}
