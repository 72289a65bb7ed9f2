package io.meshgate.bench.floor;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;

/**
 * The least an HTTP/1.1 proxy on Netty can do, as a reference target ({@code netty}): each client
 * connection gets its own kept-alive upstream connection on the same event loop, and the decoded
 * requests and responses are passed through as they are. No routing, pool, balancing, retries,
 * timeouts, header rewriting, metrics or logs. Its ratio to nginx is the ceiling of a JVM proxy
 * built on Netty on this machine, against which meshgate's own cost on top of Netty is read.
 *
 * <p>Started by the stock-SCG jar's main class when {@code -Dnetty-proxy.port} is set, so it needs no
 * jar of its own: {@code -Dnetty-proxy.port=8080 -Dnetty-proxy.upstream=127.0.0.1:8081}.
 */
public final class NettyFloorProxy {

    private NettyFloorProxy() {}

    public static void run(int port, String upstreamHost, int upstreamPort) throws InterruptedException {
        boolean epoll = Epoll.isAvailable();
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(
                Runtime.getRuntime().availableProcessors(),
                epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
        Class<? extends SocketChannel> clientChannel = epoll ? EpollSocketChannel.class : NioSocketChannel.class;
        Channel server = new ServerBootstrap()
                .group(group)
                .channel(epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.AUTO_READ, false)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline()
                                .addLast(
                                        new HttpServerCodec(),
                                        new Downstream(clientChannel, upstreamHost, upstreamPort));
                    }
                })
                .bind("127.0.0.1", port)
                .sync()
                .channel();
        System.out.println("netty floor proxy on 127.0.0.1:" + port + " to " + upstreamHost + ":" + upstreamPort
                + (epoll ? " (epoll)" : " (nio)"));
        server.closeFuture().sync();
    }

    /** Writes a message on; the end of a request or response flushes what was written. */
    private static void forward(Object msg, Channel to) {
        if (msg instanceof LastHttpContent) {
            to.writeAndFlush(msg, to.voidPromise());
        } else {
            to.write(msg, to.voidPromise());
        }
    }

    /** The client's side: connects upstream once, then forwards every request message there. */
    private static final class Downstream extends ChannelInboundHandlerAdapter {

        private final Class<? extends SocketChannel> channelClass;
        private final String host;
        private final int port;
        private Channel upstream;

        Downstream(Class<? extends SocketChannel> channelClass, String host, int port) {
            this.channelClass = channelClass;
            this.host = host;
            this.port = port;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            Channel client = ctx.channel();
            new Bootstrap()
                    .group(client.eventLoop())
                    .channel(channelClass)
                    .option(ChannelOption.TCP_NODELAY, true)
                    .handler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline().addLast(new HttpClientCodec(), new Upstream(client));
                        }
                    })
                    .connect(host, port)
                    .addListener((ChannelFutureListener) connected -> {
                        if (connected.isSuccess()) {
                            upstream = connected.channel();
                            client.config().setAutoRead(true);
                        } else {
                            client.close();
                        }
                    });
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (upstream == null || !upstream.isActive()) {
                ReferenceCountUtil.release(msg);
                ctx.close();
                return;
            }
            forward(msg, upstream);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (upstream != null) {
                upstream.close();
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    /** The upstream's side: every response message goes back to the client. */
    private static final class Upstream extends ChannelInboundHandlerAdapter {

        private final Channel client;

        Upstream(Channel client) {
            this.client = client;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            forward(msg, client);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            client.close();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
