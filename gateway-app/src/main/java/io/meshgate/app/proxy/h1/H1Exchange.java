package io.meshgate.app.proxy.h1;

import io.meshgate.app.observe.ObservedRequest;
import io.meshgate.app.observe.SentResponse;
import io.meshgate.app.proxy.DirectRoute;
import io.meshgate.app.proxy.HopByHopHeaders;
import io.meshgate.app.proxy.RequestAttempts;
import io.meshgate.balance.Lease;
import io.meshgate.retry.RetryPlan;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.timeout.ReadTimeoutException;
import io.netty.util.AsciiString;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import reactor.core.publisher.SignalType;

/**
 * One request on the HTTP/1.1 pass-through, from its head to the end of its response, on its
 * client connection's event loop: the same attempts as {@code DirectAttempts} on Reactor Netty (the
 * balancer's pick, the circuit breaker, the route's retries with their budget, backoff and
 * deadline, the attempt timeout, 503 and 504 answers naming the upstream and endpoint), with Netty's
 * decoded messages passed between the two connections as they are. The request head is sent as it
 * came, its headers fixed in place; the response head and body go back the same way.
 *
 * <p>Only requests without a body, or with a small one read whole beforehand, come here ({@link
 * H1PassThrough#route}), so any attempt can be repeated: each sends a duplicate of the kept body. A kept-alive upstream connection that turns out closed before any
 * response byte is replaced by a new one once for an idempotent request, without counting as an
 * attempt (the upstream closed it as it went idle; nothing was processed).
 */
final class H1Exchange implements SentResponse {

    private static final AsciiString STRICT_TRANSPORT_SECURITY = AsciiString.cached("strict-transport-security");
    private static final AsciiString ATTEMPTS = AsciiString.cached(RetryPlan.ATTEMPTS_HEADER);

    private final H1Connection client;
    private final ChannelHandlerContext ctx;
    private final UpstreamConnections upstreams;
    private final DirectRoute route;
    private final HttpRequest request;
    private ByteBuf body; // null: none; released when the exchange ends
    private final boolean head;
    private final boolean http10;
    private final String hsts; // null: none
    private final boolean debugAttempts;
    private ObservedRequest observed; // [observe] tracing, access log
    private RequestAttempts attempts;
    private boolean keepAlive; // the client connection stays open after this response
    private Lease lease;
    private ScheduledFuture<?> backoff;

    private UpstreamConnection upstream; // the current attempt's connection
    private ChannelFuture connecting; // the current attempt's connection being opened
    private boolean reused; // the current connection came from the pool
    private boolean replacedStale; // the current attempt already replaced a closed pooled connection
    private boolean responded; // the current attempt's response head arrived
    private boolean draining; // the current response is read and dropped: a retry follows
    private boolean informational; // a 1xx response is being skipped
    private boolean upstreamKeepAlive;
    private Throwable upstreamError; // what broke the current connection, before it closed
    private boolean malformed; // the current attempt's answer could not be decoded

    private boolean headSent;
    private int status;
    private String contentLength;
    private boolean needsFlush;
    private boolean done;

    H1Exchange(
            H1Connection client,
            ChannelHandlerContext ctx,
            UpstreamConnections upstreams,
            DirectRoute route,
            HttpRequest request,
            ByteBuf body,
            String hsts) {
        this.client = client;
        this.ctx = ctx;
        this.upstreams = upstreams;
        this.route = route;
        this.request = request;
        this.body = body;
        this.head = request.method().equals(HttpMethod.HEAD);
        this.http10 = request.protocolVersion().equals(HttpVersion.HTTP_1_0);
        this.keepAlive = HttpUtil.isKeepAlive(request);
        this.hsts = hsts;
        this.debugAttempts = RetryPlan.wantsAttempts(request.headers().get(RetryPlan.DEBUG_HEADER));
    }

    /** Starts the first attempt; the request's headers are fixed and its observation started. */
    void start(ObservedRequest observation) {
        this.observed = observation;
        this.attempts = new RequestAttempts(route, request.method().name(), observation);
        HttpHeaders headers = request.headers();
        HopByHopHeaders.remove(headers);
        // Upstream connections are kept alive whatever the client's protocol.
        request.setProtocolVersion(HttpVersion.HTTP_1_1);
        attempts.begin();
        attempt();
    }

    private void attempt() {
        backoff = null;
        if (done) {
            return;
        }
        Lease acquired = attempts.next();
        if (acquired == null) {
            answer(HttpResponseStatus.SERVICE_UNAVAILABLE, attempts.refusal());
            return;
        }
        lease = acquired;
        responded = false;
        replacedStale = false;
        UpstreamConnection idle = upstreams.idle(acquired.endpoint());
        if (idle != null) {
            reused = true;
            send(idle);
        } else {
            reused = false;
            connect();
        }
    }

    private void connect() {
        ChannelFuture future = upstreams.connect(ctx.channel(), lease.endpoint());
        connecting = future;
        if (future.isDone()) {
            connected(future);
        } else {
            future.addListener((ChannelFutureListener) this::connected);
        }
    }

    private void connected(ChannelFuture future) {
        if (future != connecting) {
            // Given up meanwhile (the client left): the new connection is not wanted.
            if (future.isSuccess()) {
                future.channel().close();
            }
            return;
        }
        connecting = null;
        if (!future.isSuccess()) {
            attemptFailed(future.cause());
            return;
        }
        send(UpstreamConnections.of(future.channel()));
    }

    private void send(UpstreamConnection connection) {
        upstream = connection;
        upstreamError = null;
        malformed = false;
        connection.bind(this, attempts.attemptTimeoutNanos());
        HttpHeaders headers = request.headers();
        // Host names the endpoint, as Spring Cloud Gateway sends it by default.
        headers.set(HttpHeaderNames.HOST, lease.endpoint().address());
        attempts.observedAttempt().inject(headers); // [observe]
        Channel channel = connection.channel;
        channel.write(request, channel.voidPromise());
        LastHttpContent end = body == null
                ? LastHttpContent.EMPTY_LAST_CONTENT
                : new DefaultLastHttpContent(body.retainedDuplicate()); // each attempt sends it whole
        channel.writeAndFlush(end, channel.voidPromise());
    }

    /** A message of the current attempt's response. */
    void upstreamRead(UpstreamConnection connection, HttpObject msg) {
        if (connection != upstream) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (msg instanceof HttpResponse response) {
            int code = response.status().code();
            if (code < 200 && code != 101) {
                informational = true; // 100 or 103: the final answer follows
            } else {
                responseHead(response, code);
            }
        }
        if (informational || draining || done) {
            ReferenceCountUtil.release(msg);
            if (msg instanceof LastHttpContent) {
                if (informational) {
                    informational = false;
                } else {
                    responseEnded(connection);
                }
            }
            return;
        }
        if (msg instanceof LastHttpContent) {
            endResponse(connection, msg);
            return;
        }
        ctx.write(msg, ctx.voidPromise());
        needsFlush = true;
        if (!ctx.channel().isWritable()) {
            // The client reads slower than the upstream sends: stop reading the upstream until it catches up.
            connection.channel.config().setAutoRead(false);
        }
    }

    private void responseHead(HttpResponse response, int code) {
        responded = true;
        status = code;
        upstreamKeepAlive = HttpUtil.isKeepAlive(response);
        if (attempts.responded(code, null)) {
            draining = true; // read to its end (so the connection can be kept), never shown to the client
            return;
        }
        HttpHeaders headers = response.headers();
        HopByHopHeaders.remove(headers);
        if (hsts != null) {
            headers.set(STRICT_TRANSPORT_SECURITY, hsts);
        }
        if (debugAttempts) {
            headers.setInt(ATTEMPTS, attempts.number());
        }
        contentLength = headers.get(HttpHeaderNames.CONTENT_LENGTH);
        boolean bodiless = head || code == 204 || code == 304;
        if (contentLength == null && !bodiless) {
            if (http10) {
                keepAlive = false; // the body ends when the connection does
            } else {
                headers.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
            }
        }
        frame(headers);
        response.setProtocolVersion(HttpVersion.HTTP_1_1);
        headSent = true;
    }

    /** Tells the client whether its connection stays open. */
    private void frame(HttpHeaders headers) {
        if (!keepAlive) {
            headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        } else if (http10) {
            headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
        }
    }

    private void endResponse(UpstreamConnection connection, Object last) {
        needsFlush = false;
        ChannelFuture written = ctx.writeAndFlush(last);
        upstream = null;
        giveBack(connection);
        attempts.record(status);
        finish(SignalType.ON_COMPLETE, written);
    }

    /** The end of a response that was read only to keep its connection: the retry decided goes on. */
    private void responseEnded(UpstreamConnection connection) {
        upstream = null;
        giveBack(connection);
        draining = false;
        if (!done) {
            retry();
        }
    }

    private void giveBack(UpstreamConnection connection) {
        if (!connection.channel.config().isAutoRead()) {
            connection.channel.config().setAutoRead(true);
        }
        if (upstreamKeepAlive) {
            upstreams.release(connection);
        } else {
            connection.close();
        }
    }

    void upstreamReadComplete() {
        if (needsFlush) {
            needsFlush = false;
            ctx.flush();
        }
    }

    /** The client can take more: read the upstream again. */
    void clientWritable() {
        UpstreamConnection current = upstream;
        if (current != null && !current.channel.config().isAutoRead()) {
            current.channel.config().setAutoRead(true);
        }
    }

    void upstreamError(Throwable cause) {
        if (upstreamError == null) {
            upstreamError = cause;
        }
    }

    /** The upstream's answer could not be decoded: its connection closes, and the attempt fails. */
    void upstreamMalformed(Throwable cause) {
        malformed = true;
        upstreamError(cause);
    }

    /** The current attempt's connection closed before its response ended. */
    void upstreamClosed(UpstreamConnection connection) {
        if (connection != upstream) {
            return;
        }
        upstream = null;
        if (draining) {
            draining = false;
            retry(); // the response being dropped was cut short; the retry goes on regardless
            return;
        }
        if (!responded && !malformed && reused && !replacedStale && isIdempotent()) {
            // A kept-alive connection the upstream had closed as it went idle: once more, on a new one.
            replacedStale = true;
            reused = false;
            connect();
            return;
        }
        Throwable error = upstreamError != null ? upstreamError : new UpstreamClosedException(responded);
        attemptFailed(error);
    }

    /** No response (or no more of it) within the attempt's timeout; the connection is closed. */
    void upstreamTimedOut(UpstreamConnection connection) {
        if (connection != upstream) {
            return;
        }
        upstream = null;
        if (draining) {
            draining = false;
            retry();
            return;
        }
        attemptFailed(ReadTimeoutException.INSTANCE);
    }

    private boolean isIdempotent() {
        HttpMethod method = request.method();
        return method.equals(HttpMethod.GET)
                || method.equals(HttpMethod.HEAD)
                || method.equals(HttpMethod.OPTIONS)
                || method.equals(HttpMethod.PUT)
                || method.equals(HttpMethod.DELETE)
                || method.equals(HttpMethod.TRACE);
    }

    private void attemptFailed(Throwable error) {
        if (done) {
            return;
        }
        RequestAttempts.Failed failed = attempts.failed(error, headSent, null);
        if (headSent) {
            // The response is under way: all that is left is to cut it short, which the client sees.
            keepAlive = false;
            finish(SignalType.ON_ERROR, ctx.close());
            return;
        }
        if (failed.retry()) {
            retry();
            return;
        }
        answer(HttpResponseStatus.valueOf(failed.status()), failed.body());
    }

    /** The next attempt, after the backoff the retry decision set. */
    private void retry() {
        long delay = attempts.takeRetryDelayNanos();
        if (delay <= 0) {
            attempt();
        } else {
            backoff = ctx.executor().schedule(this::attempt, delay, TimeUnit.NANOSECONDS);
        }
    }

    /** Answers the client with meshgate's own response (503, 504, 502) and ends the request. */
    private void answer(HttpResponseStatus answer, String text) {
        attempts.record(answer.code());
        ByteBuf body = ByteBufUtil.writeUtf8(ctx.alloc(), text);
        DefaultFullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, answer, body);
        HttpHeaders headers = response.headers();
        headers.set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
        headers.setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes());
        if (hsts != null) {
            headers.set(STRICT_TRANSPORT_SECURITY, hsts);
        }
        if (debugAttempts) {
            headers.setInt(ATTEMPTS, attempts.number());
        }
        frame(headers);
        status = answer.code();
        contentLength = Integer.toString(body.readableBytes());
        headSent = true;
        finish(SignalType.ON_COMPLETE, ctx.writeAndFlush(response));
    }

    private void finish(SignalType signal, ChannelFuture lastWrite) {
        done = true;
        releaseBody();
        observed.end(signal); // [observe]
        client.exchangeEnded(this, keepAlive);
        if (!keepAlive) {
            // After the connection let go of this exchange, so the close is not put off for it.
            lastWrite.addListener(ChannelFutureListener.CLOSE);
        }
    }

    /** The client went away (or the connection broke) before the response ended. */
    void cancel() {
        if (done) {
            return;
        }
        done = true;
        releaseBody();
        if (backoff != null) {
            backoff.cancel(false);
            backoff = null;
        }
        connecting = null; // its listener closes the connection when it completes
        UpstreamConnection current = upstream;
        if (current != null) {
            upstream = null;
            current.close(); // mid-response: not reusable
        }
        attempts.cancel();
        observed.end(SignalType.CANCEL); // [observe]
    }

    private void releaseBody() {
        if (body != null) {
            body.release();
            body = null;
        }
    }

    /** Shutting down: the client's connection closes after this response. */
    void closeAfterResponse() {
        keepAlive = false;
    }

    @Override
    public boolean headSent() {
        return headSent;
    }

    @Override
    public int status() {
        return status;
    }

    @Override
    public String contentLength() {
        return contentLength;
    }
}
