package io.meshgate.app.proxy.h1;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpObject;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One kept-alive HTTP/1.1 connection to an upstream endpoint, owned by one event loop: the handler
 * after its HTTP codec. While an {@link H1Exchange} holds it, every decoded response message goes to
 * that exchange; idle, it waits in {@link UpstreamConnections} for the next.
 *
 * <p>It also keeps the attempt's read timeout, as Reactor Netty's {@code responseTimeout} does: the
 * upstream must start answering, and keep answering, within the attempt's timeout. One task per
 * connection re-arms itself for what is left while an attempt is under way, so a busy connection
 * schedules about one task per timeout period, not one per request.
 */
final class UpstreamConnection extends ChannelInboundHandlerAdapter {

    final Channel channel;
    final String endpoint; // the endpoint's address: the pool's key
    private H1Exchange exchange; // null while idle
    private long idleSinceNanos;
    private long lastReadNanos;
    private long timeoutNanos;
    private ScheduledFuture<?> timer;
    private long timerDueNanos;
    private final Runnable checkTimeout = this::checkTimeout; // made once per connection
    private boolean closed;

    UpstreamConnection(Channel channel, String endpoint) {
        this.channel = channel;
        this.endpoint = endpoint;
    }

    /** Hands the connection to an attempt that must see a response within the timeout. */
    void bind(H1Exchange owner, long attemptTimeoutNanos) {
        exchange = owner;
        timeoutNanos = attemptTimeoutNanos;
        long now = System.nanoTime();
        lastReadNanos = now;
        long due = now + attemptTimeoutNanos;
        if (timer != null && timerDueNanos - due > 0) {
            // Armed for a later moment than this attempt allows (a route with a shorter timeout).
            timer.cancel(false);
            timer = null;
        }
        if (timer == null) {
            arm(attemptTimeoutNanos, due);
        }
    }

    /** The attempt is over with this connection (its response ended, or it gave the connection up). */
    void unbind() {
        exchange = null;
        idleSinceNanos = System.nanoTime();
    }

    boolean isClosed() {
        return closed || !channel.isActive();
    }

    long idleSinceNanos() {
        return idleSinceNanos;
    }

    /** Closes the connection; its attempt (if any) is not told. */
    void close() {
        exchange = null;
        closed = true;
        cancelTimer();
        channel.close();
    }

    private void arm(long delayNanos, long dueNanos) {
        timerDueNanos = dueNanos;
        timer = channel.eventLoop().schedule(checkTimeout, delayNanos, TimeUnit.NANOSECONDS);
    }

    private void checkTimeout() {
        timer = null;
        H1Exchange owner = exchange;
        if (owner == null || closed) {
            return;
        }
        long now = System.nanoTime();
        long left = timeoutNanos - (now - lastReadNanos);
        if (left > 0) {
            arm(left, now + left);
            return;
        }
        exchange = null;
        closed = true;
        channel.close();
        owner.upstreamTimedOut(this);
    }

    private void cancelTimer() {
        ScheduledFuture<?> armed = timer;
        if (armed != null) {
            timer = null;
            armed.cancel(false);
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        H1Exchange owner = exchange;
        if (owner == null) {
            // Nothing is expected on an idle connection: whatever it is, the connection is not reusable.
            ReferenceCountUtil.release(msg);
            close();
            return;
        }
        HttpObject message = (HttpObject) msg;
        if (message.decoderResult().isFailure()) {
            // A malformed response (bad status line, chunk, or headers over the limit): Netty's decoder
            // drops the rest, so the connection is done; the attempt fails as Reactor Netty's would.
            ReferenceCountUtil.release(msg);
            owner.upstreamMalformed(message.decoderResult().cause());
            ctx.close();
            return;
        }
        lastReadNanos = System.nanoTime();
        owner.upstreamRead(this, message);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        H1Exchange owner = exchange;
        if (owner != null) {
            owner.upstreamReadComplete();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        closed = true;
        cancelTimer();
        H1Exchange owner = exchange;
        exchange = null;
        if (owner != null) {
            owner.upstreamClosed(this);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // A reset or a malformed response: the connection closes, and its attempt learns of it then.
        H1Exchange owner = exchange;
        if (owner != null) {
            owner.upstreamError(cause);
        }
        ctx.close();
    }
}
