package io.meshgate.app.proxy.h1;

import io.meshgate.app.edge.RequestHeaderFixups;
import io.meshgate.app.observe.ObservedRequest;
import io.meshgate.app.observe.RequestObserver;
import io.meshgate.app.proxy.DirectRoute;
import io.meshgate.app.routing.ActiveRoutes;
import io.meshgate.app.routing.MeshListener;
import io.meshgate.app.routing.RouteTable;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.ssl.SslHandler;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntPredicate;
import reactor.netty.NettyPipeline;
import reactor.netty.http.server.HttpServer;

/**
 * The HTTP/1.1 pass-through of the traffic listener (plain and TLS): requests of filter-less routes
 * to plain HTTP/1.1 upstreams are proxied by Netty handlers, without Reactor Netty's request and
 * response objects or its client (which cost more than half of the request path's CPU at 64
 * connections, see load-tests/RESULTS.md). Everything else (HTTP/2, WebSocket, bodies, routes with
 * filters, TLS, h2c and h2 upstreams, the mesh listener, the management port) keeps its path.
 *
 * <p>Shared by the listener's connections: the routes, the upstream connections, tracing and the
 * access log, the header fix-ups, and the set of connections (for the graceful shutdown's wait).
 */
public final class H1PassThrough {

    static final String INSTALLER = "meshgate.h1.install";
    static final String HANDLER = "meshgate.h1";
    /**
     * The largest request body the pass-through takes: read whole before the request goes upstream
     * (as nginx buffers request bodies), so every attempt can send it. Larger and chunked bodies
     * stream through the direct proxy on Reactor Netty.
     */
    static final long MAX_BUFFERED_BODY = 64 * 1024;
    /** Added after the edge checks when they are in place (io.meshgate.app.edge.EdgeConnection). */
    static final String EDGE_MESSAGES = "meshgate.edge.messages";

    private final ActiveRoutes active;
    private final UpstreamConnections upstreams;
    private final RequestObserver observer;
    private final RequestHeaderFixups fixups;
    private final MeshListener mesh;
    private final IntPredicate trafficPort;
    private final long idleTimeoutNanos;
    private final Set<H1Connection> connections = ConcurrentHashMap.newKeySet();

    public H1PassThrough(
            ActiveRoutes active,
            RequestObserver observer,
            RequestHeaderFixups fixups,
            MeshListener mesh,
            IntPredicate trafficPort,
            Duration connectTimeout,
            Duration upstreamIdleTimeout,
            Duration idleTimeout) {
        this.active = active;
        this.observer = observer;
        this.fixups = fixups;
        this.mesh = mesh;
        this.trafficPort = trafficPort;
        this.upstreams = new UpstreamConnections(connectTimeout, upstreamIdleTimeout);
        this.idleTimeoutNanos = idleTimeout.toNanos();
    }

    /** The server with the pass-through put in place on each new HTTP/1.1 connection of a traffic port. */
    public HttpServer apply(HttpServer server) {
        return server.doOnChannelInit((observer, channel, remoteAddress) -> addInstaller(channel.pipeline()));
    }

    private void addInstaller(ChannelPipeline pipeline) {
        Installer installer = new Installer();
        if (pipeline.get(NettyPipeline.SslHandler) != null) {
            pipeline.addAfter(NettyPipeline.SslHandler, INSTALLER, installer);
        } else {
            pipeline.addFirst(INSTALLER, installer);
        }
    }

    /**
     * The route a request takes on the pass-through, or null when it must take another path: a
     * request without a body, or with a {@code Content-Length} body of at most {@link
     * #MAX_BUFFERED_BODY} (and at most what the route's retries may keep, {@code retry.bufferBody}),
     * no {@code Transfer-Encoding}, {@code Upgrade} or {@code Expect}, an origin-form target, decoded
     * without error, whose public route has no filters and reaches plain HTTP/1.1 upstreams only.
     */
    DirectRoute route(HttpRequest request) {
        if (!request.decoderResult().isSuccess() || !request.uri().startsWith("/")) {
            return null;
        }
        HttpHeaders headers = request.headers();
        if (headers.contains(HttpHeaderNames.TRANSFER_ENCODING)
                || headers.contains(HttpHeaderNames.UPGRADE)
                || headers.contains(HttpHeaderNames.EXPECT)) {
            return null;
        }
        String length = headers.get(HttpHeaderNames.CONTENT_LENGTH);
        long bodyBytes = length == null || length.equals("0") ? 0 : HttpUtil.getContentLength(request, -1L);
        if (bodyBytes < 0 || bodyBytes > MAX_BUFFERED_BODY) {
            return null;
        }
        RouteTable table = active.current();
        if (table == null) {
            return null;
        }
        DirectRoute route = table.directRoute(request);
        if (route == null || !route.plainUpstreams()) {
            return null;
        }
        // A body the route's retries could not keep takes the direct proxy, which then does not retry it.
        return bodyBytes > 0
                        && route.retry().enabled()
                        && bodyBytes > route.retry().bufferBody()
                ? null
                : route;
    }

    /** Starts observing a request, after fixing its headers as every path does. */
    ObservedRequest observe(DirectRoute route, HttpRequest request, Channel channel, boolean tls, H1Exchange exchange) {
        HttpHeaders headers = request.headers();
        // The verified identity is meshgate's to set (on the mesh listener); a client's is dropped.
        headers.remove(mesh.identityHeader());
        fixups.apply(channel, tls ? "https" : "http", headers);
        return observer.start(route.id(), request, channel, tls, exchange); // [observe] tracing, access log
    }

    String hsts(boolean tls) {
        return fixups.hsts(tls ? "https" : "http");
    }

    UpstreamConnections upstreams() {
        return upstreams;
    }

    long idleTimeoutNanos() {
        return idleTimeoutNanos;
    }

    void opened(H1Connection connection) {
        connections.add(connection);
    }

    void closed(H1Connection connection) {
        connections.remove(connection);
    }

    /** How many connections have an exchange under way. */
    public int busyConnections() {
        int busy = 0;
        for (H1Connection connection : connections) {
            if (connection.busy()) {
                busy++;
            }
        }
        return busy;
    }

    /** Frees the DNS resolvers. */
    public void close() {
        upstreams.close();
    }

    /**
     * Waits at the front of a new connection for its first bytes, when Reactor Netty has set up
     * HTTP/1.1 (at once in plain text; after ALPN on TLS), then puts an {@link H1Connection} after
     * the codec and the edge checks, or leaves nothing behind (HTTP/2, another port, a transport the
     * upstream connections cannot share).
     */
    private final class Installer extends ChannelInboundHandlerAdapter {

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ChannelPipeline pipeline = ctx.pipeline();
            ChannelHandlerContext codec = pipeline.context(HttpServerCodec.class);
            if (codec != null) {
                pipeline.remove(this);
                install(pipeline, codec, ctx.channel());
            } else if (pipeline.get(NettyPipeline.H2MultiplexHandler) != null) {
                pipeline.remove(this); // HTTP/2 over TLS
            }
            ctx.fireChannelRead(msg);
        }

        private void install(ChannelPipeline pipeline, ChannelHandlerContext codec, Channel channel) {
            if (pipeline.get(NettyPipeline.HttpTrafficHandler) == null
                    || !UpstreamConnections.supports(channel)
                    || !(channel.localAddress() instanceof InetSocketAddress local)
                    || !trafficPort.test(local.getPort())) {
                return;
            }
            boolean tls = pipeline.get(SslHandler.class) != null;
            H1Connection connection = new H1Connection(H1PassThrough.this, codec, tls);
            String after = pipeline.get(EDGE_MESSAGES) != null ? EDGE_MESSAGES : codec.name();
            pipeline.addAfter(after, HANDLER, connection);
        }
    }
}
