package io.meshgate.app.edge;

import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.util.AsciiString;
import io.netty.util.AttributeKey;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;

/**
 * Sets {@code X-Forwarded-For}, {@code -Proto}, {@code -Host}, {@code -Port} and {@code Forwarded}
 * (RFC 7239) on the request both paths forward. From a peer in {@link TrustedProxies} the incoming
 * values are kept: the peer is appended to {@code X-Forwarded-For} and {@code Forwarded}, and the
 * proto, host and port it sent stay. From any other peer whatever the client sent is replaced.
 *
 * <p>What depends only on the connection (the peer's address as text, whether it is trusted, the
 * listener's port, the {@code Forwarded} element's start) is worked out once per connection and kept
 * on the channel; per request this costs a channel attribute read, five header sets and building the
 * {@code Forwarded} value (one string), plus the appends from a trusted peer.
 */
final class ForwardedHeaders {

    static final AsciiString X_FORWARDED_FOR = AsciiString.cached("x-forwarded-for");
    static final AsciiString X_FORWARDED_PROTO = AsciiString.cached("x-forwarded-proto");
    static final AsciiString X_FORWARDED_HOST = AsciiString.cached("x-forwarded-host");
    static final AsciiString X_FORWARDED_PORT = AsciiString.cached("x-forwarded-port");
    static final AsciiString FORWARDED = AsciiString.cached("forwarded");

    private static final AttributeKey<Peer> PEER = AttributeKey.valueOf("meshgate.forwarded.peer");

    private final TrustedProxies trusted;

    ForwardedHeaders(TrustedProxies trusted) {
        this.trusted = trusted;
    }

    /** What is known about a connection's peer, computed at its first request. */
    record Peer(String address, boolean trusted, String proto, String port, String forwardedStart) {}

    void apply(Channel channel, String scheme, HttpHeaders headers) {
        Peer peer = peer(channel, scheme);
        String host = headers.get(HttpHeaderNames.HOST);
        String element = host == null || host.indexOf('"') >= 0 || host.indexOf('\\') >= 0
                ? peer.forwardedStart()
                : peer.forwardedStart() + ";host=\"" + host + '"';
        if (peer.trusted()) {
            append(headers, X_FORWARDED_FOR, peer.address());
            append(headers, FORWARDED, element);
            setIfAbsent(headers, X_FORWARDED_PROTO, peer.proto());
            if (host != null) {
                setIfAbsent(headers, X_FORWARDED_HOST, host);
            }
            setIfAbsent(headers, X_FORWARDED_PORT, peer.port());
            return;
        }
        headers.set(X_FORWARDED_FOR, peer.address());
        headers.set(FORWARDED, element);
        headers.set(X_FORWARDED_PROTO, peer.proto());
        if (host != null) {
            headers.set(X_FORWARDED_HOST, host);
        } else {
            headers.remove(X_FORWARDED_HOST);
        }
        headers.set(X_FORWARDED_PORT, peer.port());
    }

    private static void append(HttpHeaders headers, AsciiString name, String value) {
        String existing = headers.get(name);
        if (existing == null) {
            headers.set(name, value);
        } else {
            // Several fields of the name are one list (RFC 9110 section 5.3): joined, then appended.
            String joined = headers.getAll(name).size() == 1 ? existing : String.join(", ", headers.getAll(name));
            headers.set(name, joined + ", " + value);
        }
    }

    private static void setIfAbsent(HttpHeaders headers, AsciiString name, String value) {
        if (!headers.contains(name)) {
            headers.set(name, value);
        }
    }

    private Peer peer(Channel channel, String scheme) {
        // An HTTP/2 stream is a child channel: the connection is its parent.
        Channel connection = channel instanceof Http2StreamChannel ? channel.parent() : channel;
        Peer peer = connection.attr(PEER).get();
        if (peer == null || !peer.proto().equals(scheme)) {
            peer = newPeer(connection, scheme);
            connection.attr(PEER).set(peer);
        }
        return peer;
    }

    private Peer newPeer(Channel connection, String scheme) {
        InetAddress remote = address(connection.remoteAddress());
        String address = remote == null ? "unknown" : remote.getHostAddress();
        int zone = address.indexOf('%');
        if (zone >= 0) {
            address = address.substring(0, zone);
        }
        String node = remote instanceof Inet6Address ? "\"[" + address + "]\"" : address;
        SocketAddress local = connection.localAddress();
        String port = local instanceof InetSocketAddress inet ? Integer.toString(inet.getPort()) : "";
        return new Peer(address, trusted.trusts(remote), scheme, port, "for=" + node + ";proto=" + scheme);
    }

    private static InetAddress address(SocketAddress socketAddress) {
        return socketAddress instanceof InetSocketAddress inet ? inet.getAddress() : null;
    }
}
