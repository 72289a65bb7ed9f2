package io.meshgate.app.proxy.h1;

import io.meshgate.balance.Endpoint;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.resolver.dns.DnsAddressResolverGroup;
import io.netty.resolver.dns.DnsNameResolverBuilder;
import io.netty.util.NetUtil;
import io.netty.util.concurrent.FastThreadLocal;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The pass-through's upstream connections: kept-alive HTTP/1.1 connections per endpoint, kept per
 * event loop. A client connection's attempts connect from its own event loop and reuse that loop's
 * idle connections, so a request never changes threads and the pool needs no lock.
 *
 * <p>An idle connection is reused most-recently-first; one idle longer than {@code maxIdle}, or
 * closed by the upstream, is dropped when met, and a sweep per loop closes the rest (endpoints that
 * left discovery keep none for long). Endpoint hosts that are IP addresses are connected to as they
 * are; names go through Netty's asynchronous DNS resolver (with {@code /etc/hosts}), never a
 * blocking lookup on the event loop.
 */
final class UpstreamConnections {

    /** Idle connections kept per endpoint and event loop; more are closed when released. */
    static final int MAX_IDLE_PER_ENDPOINT = 256;
    /** Endpoints remembered per event loop before the oldest state is dropped (discovery churn). */
    static final int MAX_ENDPOINTS_PER_LOOP = 4096;

    private final int connectTimeoutMillis;
    private final long maxIdleNanos;
    private final FastThreadLocal<LoopState> loops = new FastThreadLocal<>() {
        @Override
        protected LoopState initialValue() {
            return new LoopState();
        }
    };
    private volatile DnsAddressResolverGroup epollResolver;
    private volatile DnsAddressResolverGroup nioResolver;

    UpstreamConnections(Duration connectTimeout, Duration maxIdle) {
        this.connectTimeoutMillis = (int) Math.min(Integer.MAX_VALUE, connectTimeout.toMillis());
        this.maxIdleNanos = maxIdle.toNanos();
    }

    /** Whether connections can be opened from this client channel's event loop (epoll or NIO). */
    static boolean supports(Channel client) {
        return client instanceof EpollSocketChannel || client instanceof NioSocketChannel;
    }

    /** An idle connection to the endpoint on the caller's event loop, or null. */
    UpstreamConnection idle(Endpoint endpoint) {
        LoopState loop = loops.get();
        Idle idle = loop.endpoints.get(endpoint.address());
        if (idle == null) {
            return null;
        }
        long now = System.nanoTime();
        UpstreamConnection connection;
        while ((connection = idle.connections.pollLast()) != null) {
            if (!connection.isClosed() && now - connection.idleSinceNanos() < maxIdleNanos) {
                return connection;
            }
            connection.close();
        }
        return null;
    }

    /** Opens a connection to the endpoint from the client's event loop (the caller's). */
    ChannelFuture connect(Channel client, Endpoint endpoint) {
        LoopState loop = loops.get();
        Idle idle = loop.entry(endpoint, client.eventLoop(), this);
        EventLoop eventLoop = client.eventLoop();
        boolean epoll = client instanceof EpollSocketChannel;
        Bootstrap bootstrap = new Bootstrap()
                .group(eventLoop)
                .channel(epoll ? EpollSocketChannel.class : NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, connectTimeoutMillis)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        channel.pipeline()
                                .addLast("codec", new HttpClientCodec())
                                .addLast("upstream", new UpstreamConnection(channel, endpoint.address()));
                    }
                });
        if (idle.address.isUnresolved()) {
            bootstrap.resolver(resolver(epoll));
        }
        return bootstrap.connect(idle.address);
    }

    /** The connection of a channel that {@link #connect} opened. */
    static UpstreamConnection of(Channel channel) {
        return channel.pipeline().get(UpstreamConnection.class);
    }

    /** Keeps a connection whose response ended, for the next request to its endpoint. */
    void release(UpstreamConnection connection) {
        connection.unbind();
        if (connection.isClosed()) {
            return;
        }
        Map<String, Idle> endpoints = loops.get().endpoints;
        Idle idle = endpoints.get(connection.endpoint);
        if (idle == null) {
            // Swept while the connection was busy.
            idle = new Idle((InetSocketAddress) connection.channel.remoteAddress());
            endpoints.put(connection.endpoint, idle);
        }
        if (idle.connections.size() >= MAX_IDLE_PER_ENDPOINT) {
            connection.close();
            return;
        }
        idle.usedNanos = connection.idleSinceNanos();
        idle.connections.addLast(connection);
    }

    private DnsAddressResolverGroup resolver(boolean epoll) {
        DnsAddressResolverGroup group = epoll ? epollResolver : nioResolver;
        if (group == null) {
            synchronized (this) {
                group = epoll ? epollResolver : nioResolver;
                if (group == null) {
                    Class<? extends DatagramChannel> datagram =
                            epoll ? EpollDatagramChannel.class : NioDatagramChannel.class;
                    group = new DnsAddressResolverGroup(new DnsNameResolverBuilder().datagramChannelType(datagram));
                    if (epoll) {
                        epollResolver = group;
                    } else {
                        nioResolver = group;
                    }
                }
            }
        }
        return group;
    }

    /** Closes the resolvers (at shutdown); connections close with their event loops. */
    void close() {
        if (epollResolver != null) {
            epollResolver.close();
        }
        if (nioResolver != null) {
            nioResolver.close();
        }
    }

    static InetSocketAddress address(Endpoint endpoint) {
        byte[] ip = NetUtil.createByteArrayFromIpAddressString(endpoint.host());
        if (ip == null) {
            return InetSocketAddress.createUnresolved(endpoint.host(), endpoint.port());
        }
        try {
            return new InetSocketAddress(InetAddress.getByAddress(endpoint.host(), ip), endpoint.port());
        } catch (UnknownHostException impossible) {
            throw new IllegalStateException(impossible); // only for a wrong array length
        }
    }

    /** The idle connections of one endpoint on one event loop, and where it is. */
    private static final class Idle {
        final InetSocketAddress address;
        final ArrayDeque<UpstreamConnection> connections = new ArrayDeque<>();
        long usedNanos = System.nanoTime(); // last connect or release

        Idle(InetSocketAddress address) {
            this.address = address;
        }
    }

    /** One event loop's endpoints; touched by that loop's thread only. */
    private static final class LoopState {
        final Map<String, Idle> endpoints = new HashMap<>();
        boolean sweeping;

        Idle entry(Endpoint endpoint, EventLoop eventLoop, UpstreamConnections owner) {
            Idle idle = endpoints.get(endpoint.address());
            if (idle == null) {
                if (endpoints.size() >= MAX_ENDPOINTS_PER_LOOP) {
                    endpoints.values().forEach(kept -> kept.connections.forEach(UpstreamConnection::close));
                    endpoints.clear();
                }
                idle = new Idle(address(endpoint));
                endpoints.put(endpoint.address(), idle);
            }
            idle.usedNanos = System.nanoTime();
            if (!sweeping) {
                sweeping = true;
                long period = Math.max(owner.maxIdleNanos / 2, TimeUnit.SECONDS.toNanos(1));
                eventLoop.scheduleWithFixedDelay(() -> sweep(owner.maxIdleNanos), period, period, TimeUnit.NANOSECONDS);
            }
            return idle;
        }

        void sweep(long maxIdleNanos) {
            long now = System.nanoTime();
            for (Iterator<Idle> entries = endpoints.values().iterator(); entries.hasNext(); ) {
                Idle idle = entries.next();
                ArrayDeque<UpstreamConnection> connections = idle.connections;
                // Oldest first: stop at the first one still fresh enough.
                UpstreamConnection oldest;
                while ((oldest = connections.peekFirst()) != null
                        && (oldest.isClosed() || now - oldest.idleSinceNanos() >= maxIdleNanos)) {
                    connections.pollFirst().close();
                }
                if (connections.isEmpty() && now - idle.usedNanos >= maxIdleNanos) {
                    entries.remove();
                }
            }
        }
    }
}
