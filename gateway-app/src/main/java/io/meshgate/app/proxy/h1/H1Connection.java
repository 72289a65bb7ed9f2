package io.meshgate.app.proxy.h1;

import io.meshgate.app.proxy.DirectRoute;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.channel.ChannelConfig;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import reactor.netty.http.IdleTimeoutHandler;

/**
 * One client connection's pass-through, a Netty handler between the HTTP/1.1 codec (after the edge
 * checks) and Reactor Netty's HTTP handler. Each request head is looked at once: a request the
 * pass-through can serve ({@link H1PassThrough#route}) becomes an {@link H1Exchange}; any other
 * goes on to Reactor Netty, and so to the direct proxy on Reactor Netty or Spring Cloud Gateway,
 * unchanged.
 *
 * <p>Responses leave in request order. While Reactor Netty has a request of this connection in
 * hand, every later request goes to it too (it queues pipelined requests itself); while an exchange
 * is under way, later messages wait here and are looked at when it ends. The connection's idle
 * timeout between requests is kept here, as Reactor Netty keeps it for its own; a close asked for
 * while an exchange is under way (graceful shutdown) waits for its response, which says {@code
 * Connection: close}.
 */
final class H1Connection extends ChannelDuplexHandler {

    /** Messages queued behind an exchange (pipelining) before reading pauses. */
    static final int MAX_QUEUED = 16;

    private final H1PassThrough passThrough;
    private final ChannelHandlerContext codec; // removed when h2c takes the connection over
    private final boolean tls;
    private ChannelHandlerContext ctx;
    private H1Exchange exchange;
    private volatile boolean busy; // an exchange is under way (read by the shutdown wait)
    private int reactorPending; // requests given to Reactor Netty whose responses have not ended
    private boolean toReactor; // the rest of the current request goes to Reactor Netty
    private boolean swallowing; // the rest of the current request (its end) is dropped
    private boolean left; // HTTP/2 or a protocol switch took over: everything passes through
    private boolean reactorIdleHandler = true; // Reactor Netty's idle handler may be in the pipeline
    private boolean reactorServed; // Reactor Netty answered a request of this connection
    private boolean closing; // an answer that closes the connection went out
    private ArrayDeque<Object> queued;
    private CompositeByteBuf body; // the body of the request being read, before its exchange starts
    private HttpRequest bodyHead;
    private DirectRoute bodyRoute;
    private ChannelPromise closeRequested;
    private long idleSinceNanos = System.nanoTime();
    private ScheduledFuture<?> idleTimer;
    private final Runnable checkIdle = this::checkIdle;

    H1Connection(H1PassThrough passThrough, ChannelHandlerContext codec, boolean tls) {
        this.passThrough = passThrough;
        this.codec = codec;
        this.tls = tls;
    }

    boolean busy() {
        return busy;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        passThrough.opened(this);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (left || leftForHttp2()) {
            ctx.fireChannelRead(msg);
            return;
        }
        if (closing) {
            // After an answer that closes the connection nothing more is answered (as Reactor Netty does).
            ReferenceCountUtil.release(msg);
            return;
        }
        boolean waiting = queued != null && !queued.isEmpty();
        if (waiting || (exchange != null && !swallowing && !toReactor)) {
            // Behind the exchange under way (pipelining), or behind messages that are: in order.
            if (queued == null) {
                queued = new ArrayDeque<>();
            }
            queued.add(msg);
            return;
        }
        process(msg);
    }

    /** A message in its turn: the rest of the current request, or the head of the next. */
    private void process(Object msg) {
        if (body != null) {
            collect(msg);
            return;
        }
        if (toReactor) {
            if (msg instanceof LastHttpContent) {
                toReactor = false;
            }
            ctx.fireChannelRead(msg);
            return;
        }
        if (swallowing) {
            ReferenceCountUtil.release(msg);
            if (msg instanceof LastHttpContent) {
                swallowing = false;
            }
            return;
        }
        dispatch(msg);
    }

    private void dispatch(Object msg) {
        if (!(msg instanceof HttpRequest request)) {
            ctx.fireChannelRead(msg);
            return;
        }
        DirectRoute route = reactorPending == 0 ? passThrough.route(request) : null;
        if (route == null) {
            reactorPending++;
            toReactor = !(msg instanceof LastHttpContent);
            ctx.fireChannelRead(msg);
            return;
        }
        if (!(msg instanceof LastHttpContent) && HttpUtil.getContentLength(request, 0L) > 0) {
            // Read whole first (it is small): every attempt can send it again.
            bodyRoute = route;
            bodyHead = request;
            body = ctx.alloc().compositeBuffer();
            return;
        }
        swallowing = !(msg instanceof LastHttpContent);
        start(route, request, null);
    }

    /** A message of the body being read; at its end the exchange starts. */
    private void collect(Object msg) {
        if (msg instanceof HttpContent content && content.content().isReadable()) {
            body.addComponent(true, content.content()); // the composite owns the buffer now
        } else {
            ReferenceCountUtil.release(msg);
        }
        if (msg instanceof LastHttpContent) {
            ByteBuf complete = body;
            body = null;
            start(bodyRoute, bodyHead, complete);
        }
    }

    private void start(DirectRoute route, HttpRequest request, ByteBuf requestBody) {
        if (reactorIdleHandler) {
            // Reactor Netty's idle timeout would close the connection during a slow response. Once it
            // served a request here it may add it back late (after its response is flushed): looked
            // for at every exchange of such a connection.
            IdleTimeoutHandler.removeIdleTimeoutHandler(ctx.pipeline());
            reactorIdleHandler = reactorServed;
        }
        ChannelConfig config = ctx.channel().config();
        if (config.isAutoRead()) {
            // Reactor Netty turns auto-read on after its responses; this handler reads on demand.
            config.setAutoRead(false);
        }
        busy = true;
        H1Exchange started =
                new H1Exchange(this, ctx, passThrough.upstreams(), route, request, requestBody, passThrough.hsts(tls));
        exchange = started;
        started.start(passThrough.observe(route, request, ctx.channel(), tls, started));
    }

    /** The exchange's response ended (or was cut short); the connection stays open if {@code keepAlive}. */
    void exchangeEnded(H1Exchange ended, boolean keepAlive) {
        if (exchange != ended) {
            return;
        }
        exchange = null;
        busy = false;
        if (!keepAlive) {
            // The response closes the connection; whatever came after it is not answered.
            closing = true;
            releaseQueued();
            if (closeRequested != null) {
                ChannelPromise promise = closeRequested;
                closeRequested = null;
                ctx.channel().closeFuture().addListener(closed -> promise.trySuccess());
            }
            return;
        }
        idleSinceNanos = System.nanoTime();
        if (queued != null && !queued.isEmpty()) {
            int reactorBefore = reactorPending;
            // Up to the next exchange's head and the rest of its request (its end is dropped).
            while (!queued.isEmpty() && (exchange == null || swallowing || toReactor)) {
                process(queued.poll());
            }
            if (reactorPending != reactorBefore) {
                // Requests went on to Reactor Netty outside a read of the socket: end the read for it.
                ctx.fireChannelReadComplete();
            }
        }
        if (exchange == null && !toReactor && reactorPending == 0) {
            armIdle();
            ctx.read();
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        // Reactor Netty reads on demand (auto-read is off): while no request of this connection is in
        // its hands, this handler asks for the next read, so the end of a request, a pipelined one or
        // the client's leaving are seen.
        if (!left && !toReactor && reactorPending == 0 && (queued == null || queued.size() < MAX_QUEUED)) {
            ctx.read();
        }
        ctx.fireChannelReadComplete();
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        // Only Reactor Netty's responses pass here; the exchanges write from this handler's context.
        if (reactorPending > 0) {
            if (msg instanceof HttpResponse response
                    && response.status().codeClass() == io.netty.handler.codec.http.HttpStatusClass.INFORMATIONAL) {
                if (response.status().code() == HttpResponseStatus.SWITCHING_PROTOCOLS.code()) {
                    left = true; // WebSocket: no more HTTP/1.1 requests on this connection
                }
            } else if (msg instanceof LastHttpContent) {
                reactorPending--;
                reactorServed = true;
                reactorIdleHandler = true; // it adds it back when its response ends
                if (reactorPending == 0) {
                    idleSinceNanos = System.nanoTime();
                }
            }
        }
        ctx.write(msg, promise);
    }

    @Override
    public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
        H1Exchange current = exchange;
        if (current != null && ctx.channel().isActive()) {
            // A graceful shutdown closing idle connections: this one is not idle; it closes after the response.
            if (closeRequested == null) {
                closeRequested = promise;
                current.closeAfterResponse();
            } else {
                ctx.channel().closeFuture().addListener(closed -> promise.trySuccess());
            }
            return;
        }
        ctx.close(promise);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        H1Exchange current = exchange;
        if (current != null && ctx.channel().isWritable()) {
            current.clientWritable();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        cancelIdle();
        H1Exchange current = exchange;
        if (current != null) {
            exchange = null;
            busy = false;
            current.cancel();
        }
        releaseQueued();
        if (body != null) {
            body.release();
            body = null;
        }
        passThrough.closed(this);
        if (closeRequested != null) {
            closeRequested.trySuccess();
            closeRequested = null;
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        passThrough.closed(this);
    }

    /** h2c (prior knowledge) replaced the HTTP/1.1 codec: this handler leaves the connection alone. */
    private boolean leftForHttp2() {
        if (!codec.isRemoved()) {
            return false;
        }
        left = true;
        cancelIdle();
        return true;
    }

    private void armIdle() {
        if (idleTimer == null && passThrough.idleTimeoutNanos() > 0) {
            idleTimer = ctx.executor().schedule(checkIdle, passThrough.idleTimeoutNanos(), TimeUnit.NANOSECONDS);
        }
    }

    /**
     * Closes the connection once it has waited for a request longer than the idle timeout; re-arms
     * itself for what is left while it waits. Busy (here or in Reactor Netty, which keeps its own
     * idle timeout), it lapses until the next exchange ends.
     */
    private void checkIdle() {
        idleTimer = null;
        if (!ctx.channel().isActive() || left || exchange != null || toReactor || reactorPending > 0) {
            return;
        }
        long left = passThrough.idleTimeoutNanos() - (System.nanoTime() - idleSinceNanos);
        if (left > 0) {
            idleTimer = ctx.executor().schedule(checkIdle, left, TimeUnit.NANOSECONDS);
        } else {
            ctx.close();
        }
    }

    private void cancelIdle() {
        ScheduledFuture<?> armed = idleTimer;
        if (armed != null) {
            idleTimer = null;
            armed.cancel(false);
        }
    }

    private void releaseQueued() {
        if (queued != null) {
            Object msg;
            while ((msg = queued.poll()) != null) {
                ReferenceCountUtil.release(msg);
            }
        }
    }
}
