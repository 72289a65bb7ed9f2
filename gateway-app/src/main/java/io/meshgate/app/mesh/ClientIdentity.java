package io.meshgate.app.mesh;

import io.netty.channel.Channel;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.AttributeKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.List;
import javax.net.ssl.SSLPeerUnverifiedException;

/**
 * The verified identity of a mesh client: its certificate's first URI SAN (a SPIFFE ID such as
 * {@code spiffe://cluster.local/ns/shop/sa/frontend}), else its first DNS SAN. Worked out once per
 * connection and kept on the connection's channel; HTTP/2 streams share their connection's.
 */
public final class ClientIdentity {

    /** What a certificate without a URI or DNS SAN gets: a connection without an identity. */
    static final String NONE = "";

    private static final AttributeKey<String> IDENTITY = AttributeKey.valueOf("meshgate.clientIdentity");
    private static final Integer DNS = 2;
    private static final Integer URI = 6;

    private ClientIdentity() {}

    /** The identity a certificate states, or {@link #NONE}. */
    static String of(X509Certificate certificate) {
        try {
            Collection<List<?>> names = certificate.getSubjectAlternativeNames();
            if (names == null) {
                return NONE;
            }
            String dns = null;
            for (List<?> name : names) {
                if (URI.equals(name.get(0))) {
                    return String.valueOf(name.get(1));
                }
                if (dns == null && DNS.equals(name.get(0))) {
                    dns = String.valueOf(name.get(1));
                }
            }
            return dns != null ? dns : NONE;
        } catch (CertificateParsingException e) {
            return NONE;
        }
    }

    /**
     * The identity of the mesh connection {@code channel} belongs to, read from its TLS session
     * the first time; {@code null} on a connection that is not a mesh one (no identity attached).
     */
    static String ofMeshConnection(Channel channel) {
        Channel connection = connection(channel);
        String identity = connection.attr(IDENTITY).get();
        if (identity == null) {
            identity = fromHandshake(connection);
            connection.attr(IDENTITY).set(identity);
        }
        return identity;
    }

    /** The identity attached to the connection of {@code channel}, or null if none was (not mesh). */
    static String attached(Channel channel) {
        return connection(channel).attr(IDENTITY).get();
    }

    /**
     * The verified identity of the mesh connection {@code channel} belongs to, for tracing and the
     * access log; null on any other connection. Reads the attribute without creating it.
     */
    public static String verified(Channel channel) {
        Channel connection = connection(channel);
        String identity =
                connection.hasAttr(IDENTITY) ? connection.attr(IDENTITY).get() : null;
        return identity == null || identity.isEmpty() ? null : identity;
    }

    private static Channel connection(Channel channel) {
        return channel instanceof Http2StreamChannel stream ? stream.parent() : channel;
    }

    private static String fromHandshake(Channel connection) {
        SslHandler ssl = connection.pipeline().get(SslHandler.class);
        if (ssl == null) {
            return NONE;
        }
        try {
            Certificate[] peer = ssl.engine().getSession().getPeerCertificates();
            return peer.length > 0 && peer[0] instanceof X509Certificate leaf ? of(leaf) : NONE;
        } catch (SSLPeerUnverifiedException e) {
            return NONE;
        }
    }
}
