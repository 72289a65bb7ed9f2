package io.meshgate.app.edge;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.nio.channels.ClosedChannelException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import reactor.netty.NettyPipeline;

/**
 * The edge checks of one HTTP/1.x connection, as two Netty handlers around the HTTP codec. The one
 * before it ({@link BytesIn}) sees the (decrypted) bytes and starts the header-read clock at the
 * first byte of a request; the one after it ({@link Messages}) sees decoded requests and stops the
 * clock, and rejects a request with too many headers (431), ambiguous framing (400) or a body over
 * the limit (413) before Reactor Netty and so any upstream sees it. A rejected request is answered
 * by this class with {@code Connection: close} and the connection is closed; anything the
 * application still writes for it is dropped.
 *
 * <p>Per request on the default path: a {@code nanoTime} read per socket read, a few field writes,
 * one header count and a few header lookups; no allocation but the one named in {@link
 * RequestFraming}. The header- and body-read timeouts share one scheduled task that re-arms itself
 * for what is left while a head or body is being read (as Netty's idle handlers do), so a busy
 * keep-alive connection schedules about one task per timeout period, not one per request.
 */
final class EdgeConnection {

    static final String BYTES_IN = "meshgate.edge.bytesIn";
    static final String MESSAGES = "meshgate.edge.messages";

    private final long headerTimeoutNanos;
    private final long bodyTimeoutNanos;
    private final long maxBodyBytes;
    private final int maxHeaderCount;
    private final EdgeRejections rejections;

    private boolean expectingHead = true; // the next bytes start a request head
    private boolean headPending; // a head has started and not yet been decoded
    private long headStartNanos;
    private boolean readingBody; // the current request's body has not ended
    private long lastReadNanos;
    private ChannelHandlerContext messagesContext; // where this class writes its answers
    private ChannelHandlerContext codecContext; // the HTTP/1.1 codec's; removed when h2c takes over
    private ScheduledFuture<?> timer; // the read timeout check, armed while a head or body is read
    private ChannelHandlerContext timerContext; // BytesIn's, where the check runs
    private final Runnable checkReads = this::checkReads; // made once per connection
    private HttpRequest held; // a chunked request held until the end of the read that brought it
    private long bodyBytes;
    private boolean responding; // the current request's response has started
    private boolean rejected; // answered by this class; everything else is dropped
    private boolean upgraded; // a 101 switched protocols: no HTTP checks any more

    EdgeConnection(ListenerHardening hardening) {
        this.headerTimeoutNanos = hardening.limits().headerReadTimeout().toNanos();
        this.bodyTimeoutNanos = hardening.limits().bodyReadTimeout().toNanos();
        this.maxBodyBytes = hardening.limits().maxBodyBytes();
        this.maxHeaderCount = hardening.limits().maxHeaderCount();
        this.rejections = hardening.rejections();
    }

    /** Adds the handlers to a new connection's pipeline (at channel init). */
    void addTo(ChannelPipeline pipeline) {
        BytesIn bytesIn = new BytesIn();
        if (pipeline.get(NettyPipeline.SslHandler) != null) {
            pipeline.addAfter(NettyPipeline.SslHandler, BYTES_IN, bytesIn);
        } else {
            pipeline.addFirst(BYTES_IN, bytesIn);
        }
        bytesIn.installIfReady(pipeline);
    }

    /**
     * Before the HTTP codec. It also puts {@link Messages} in place as soon as Reactor Netty has set
     * up HTTP/1.1 (at once in plain text; after ALPN on TLS), and leaves the pipeline when ALPN chose
     * HTTP/2, whose framing Netty's HTTP/2 codec checks.
     */
    private final class BytesIn extends ChannelInboundHandlerAdapter {

        private boolean installed;

        /** Installs {@link Messages} once HTTP/1.1 is set up; false until then (or for good on HTTP/2). */
        boolean installIfReady(ChannelPipeline pipeline) {
            if (installed) {
                return true;
            }
            // By type: with h2c on (server.http2.enabled) Reactor Netty's cleartext upgrade handler adds
            // the HTTP/1.1 codec under a generated name, not NettyPipeline.HttpCodec.
            ChannelHandlerContext codec = pipeline.context(HttpServerCodec.class);
            if (codec != null) {
                pipeline.addAfter(codec.name(), MESSAGES, new Messages());
                messagesContext = pipeline.context(MESSAGES);
                codecContext = codec;
                installed = true;
            } else if (pipeline.get(NettyPipeline.H2MultiplexHandler) != null) {
                pipeline.remove(this);
            }
            return installed;
        }

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            timerContext = ctx;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (!installed && !installIfReady(ctx.pipeline())) {
                ctx.fireChannelRead(msg); // no HTTP/1.1 codec (yet): nothing to time
                return;
            }
            if (codecContext.isRemoved()) {
                leaveForHttp2(ctx);
                ctx.fireChannelRead(msg);
                return;
            }
            long now = System.nanoTime();
            lastReadNanos = now;
            if (expectingHead && !headPending && !rejected && !upgraded) {
                headPending = true;
                headStartNanos = now;
                arm(ctx, headerTimeoutNanos);
            }
            ctx.fireChannelRead(msg);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            cancelTimer();
            releaseHeld();
            ctx.fireChannelInactive();
        }
    }

    private void arm(ChannelHandlerContext ctx, long delayNanos) {
        if (timer == null) {
            timer = ctx.executor().schedule(checkReads, delayNanos, TimeUnit.NANOSECONDS);
        }
    }

    /**
     * The timer: a head must be complete within the header-read timeout of its first byte, a body
     * must not pause longer than the body-read timeout. Re-arms itself for what is left while
     * either is under way; else it lapses until the next request.
     */
    private void checkReads() {
        ChannelHandlerContext ctx = timerContext;
        timer = null;
        if (rejected || upgraded || !ctx.channel().isActive()) {
            return;
        }
        if (codecContext != null && codecContext.isRemoved()) {
            leaveForHttp2(ctx);
            return;
        }
        long now = System.nanoTime();
        if (headPending) {
            long left = headerTimeoutNanos - (now - headStartNanos);
            if (left > 0) {
                arm(ctx, left);
            } else {
                EdgeRejections.count(rejections.headerTimeout);
                timedOut(ctx, "request headers too slow\n");
            }
        } else if (readingBody) {
            long left = bodyTimeoutNanos - (now - lastReadNanos);
            if (left > 0) {
                arm(ctx, left);
            } else {
                EdgeRejections.count(rejections.bodyTimeout);
                timedOut(ctx, "request body too slow\n");
            }
        }
    }

    private void timedOut(ChannelHandlerContext ctx, String text) {
        if (messagesContext == null || responding) {
            // No HTTP/1.1 codec to answer through, or the answer is under way: cut it short.
            rejected = true;
            ctx.close();
            return;
        }
        reject(messagesContext, HttpResponseStatus.REQUEST_TIMEOUT, text);
    }

    /** After the HTTP codec: decoded requests in, responses out. */
    private final class Messages extends ChannelDuplexHandler {

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (rejected) {
                ReferenceCountUtil.release(msg);
                return;
            }
            if (upgraded) {
                ctx.fireChannelRead(msg);
                return;
            }
            if (msg instanceof HttpRequest request) {
                headPending = false;
                expectingHead = false;
                bodyBytes = 0;
                readingBody = !(msg instanceof LastHttpContent);
                if (readingBody) {
                    arm(ctx, bodyTimeoutNanos);
                }
                if (request.decoderResult().isFailure()) {
                    EdgeRejections.count(rejections.malformed);
                    ctx.fireChannelRead(msg); // Reactor Netty answers 400, 414 or 431 and closes
                    return;
                }
                if (checkHead(ctx, request)) {
                    return;
                }
            }
            if (msg instanceof HttpContent content) {
                if (msg instanceof LastHttpContent) {
                    expectingHead = true;
                    readingBody = false;
                }
                if (content.decoderResult().isFailure() && held != null) {
                    EdgeRejections.count(rejections.malformed);
                    content.release();
                    reject(ctx, HttpResponseStatus.BAD_REQUEST, "malformed chunked body\n");
                    return;
                }
                if (maxBodyBytes >= 0) {
                    bodyBytes += content.content().readableBytes();
                    if (bodyBytes > maxBodyBytes) {
                        EdgeRejections.count(rejections.bodySize);
                        content.release();
                        tooLarge(ctx);
                        return;
                    }
                }
                if (held != null) {
                    HttpRequest request = held;
                    held = null;
                    ctx.fireChannelRead(request);
                }
            }
            if (!(msg instanceof HttpRequest) || held == null) {
                ctx.fireChannelRead(msg);
            }
        }

        /** True when the request was rejected or is held back. */
        private boolean checkHead(ChannelHandlerContext ctx, HttpRequest request) {
            HttpHeaders headers = request.headers();
            if (headers.size() > maxHeaderCount) {
                EdgeRejections.count(rejections.headerCount);
                ReferenceCountUtil.release(request);
                reject(ctx, HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, "too many request headers\n");
                return true;
            }
            String framing = RequestFraming.problem(request.protocolVersion(), headers);
            if (framing != null) {
                EdgeRejections.count(rejections.framing);
                ReferenceCountUtil.release(request);
                reject(ctx, HttpResponseStatus.BAD_REQUEST, framing);
                return true;
            }
            if (maxBodyBytes >= 0 && HttpUtil.getContentLength(request, -1L) > maxBodyBytes) {
                EdgeRejections.count(rejections.bodySize);
                ReferenceCountUtil.release(request);
                reject(ctx, HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, "request body too large\n");
                return true;
            }
            if (headers.contains(HttpHeaderNames.TRANSFER_ENCODING) && !HttpUtil.is100ContinueExpected(request)) {
                // Held while the rest of this read decodes, so a malformed first chunk sent with the
                // head is answered here before any upstream sees the request.
                held = request;
                return true;
            }
            return false;
        }

        private void tooLarge(ChannelHandlerContext ctx) {
            releaseHeld();
            if (responding) {
                // The answer is under way: all that is left is to cut it short.
                rejected = true;
                cancelTimer();
                ctx.close();
            } else {
                reject(ctx, HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, "request body too large\n");
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            // A chunked request is held only within the read that brought its head: if its first
            // chunk did not come with it, it goes on now (holding it across reads would stall
            // Reactor Netty's demand-driven reading).
            HttpRequest request = held;
            if (request != null) {
                held = null;
                ctx.fireChannelRead(request);
            }
            ctx.fireChannelReadComplete();
        }

        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
            if (rejected) {
                ReferenceCountUtil.release(msg);
                promise.setFailure(new ClosedChannelException());
                return;
            }
            if (msg instanceof HttpResponse response) {
                int code = response.status().code();
                if (code == 101) {
                    upgraded = true;
                    cancelTimer();
                } else if (code >= 200) {
                    responding = true;
                } else {
                    ctx.write(msg, promise); // 100 Continue: the request goes on
                    return;
                }
            }
            if (msg instanceof LastHttpContent) {
                responding = false;
            }
            ctx.write(msg, promise);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            releaseHeld();
            ctx.fireChannelInactive();
        }
    }

    /** Answers with the status and closes the connection, whatever the application does next. */
    private void reject(ChannelHandlerContext ctx, HttpResponseStatus status, String text) {
        rejected = true;
        headPending = false;
        cancelTimer();
        releaseHeld();
        ByteBuf body = Unpooled.copiedBuffer(text, StandardCharsets.UTF_8);
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, body);
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8")
                .setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes())
                .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }

    /**
     * h2c (prior knowledge or an Upgrade) replaced the HTTP/1.1 codec: Netty's HTTP/2 codec checks
     * the framing from here on, and no HTTP/1.1 head will come to time.
     */
    private void leaveForHttp2(ChannelHandlerContext bytesIn) {
        upgraded = true;
        cancelTimer();
        ChannelPipeline pipeline = bytesIn.pipeline();
        if (messagesContext != null && !messagesContext.isRemoved()) {
            pipeline.remove(messagesContext.handler());
        }
        if (!bytesIn.isRemoved()) {
            pipeline.remove(bytesIn.handler());
        }
    }

    private void cancelTimer() {
        ScheduledFuture<?> armed = timer;
        if (armed != null) {
            timer = null;
            armed.cancel(false);
        }
    }

    private void releaseHeld() {
        HttpRequest request = held;
        if (request != null) {
            held = null;
            ReferenceCountUtil.release(request);
        }
    }
}
