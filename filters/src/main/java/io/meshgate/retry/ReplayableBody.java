package io.meshgate.retry;

import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;
import org.reactivestreams.Publisher;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.NettyDataBufferFactory;
import reactor.core.publisher.Flux;

/**
 * A request body that can be sent again, up to a limit: the first attempt streams the body from the
 * client as it arrives (nothing waits for the whole body), and keeps a reference to each chunk while
 * the body so far fits in {@code limit} bytes. If the body ends within the limit, later attempts
 * replay the kept chunks. Once the body passes the limit the kept chunks are released at once and
 * the rest streams through: memory per request stays at most {@code limit} bytes (of the chunks'
 * readable bytes), and such a body is not replayable.
 *
 * <p>Replayable means the next {@link #attempt()} sends the whole body: true before the first
 * attempt subscribed (a connect failure never reads the body), and after the first attempt read the
 * body to its end within the limit. A first attempt cut off mid-body (an upstream reset, an early
 * response) leaves the client's stream half read, so the body is not replayable then.
 *
 * <p><b>Buffers</b>: the source must emit buffers the consumer owns (one reference each, as Reactor
 * Netty's {@code request.receive().retain()} gives). Each attempt's consumer gets buffers it owns
 * and releases them as usual ({@link ByteBuf#retainedDuplicate()}s of the kept chunks, with their
 * own reader index, so a replay starts at the first byte). {@link #release()} drops the kept
 * chunks; call it when the request is over (its last attempt ended). No copy is made.
 */
public final class ReplayableBody {

    private enum State {
        FRESH,
        STREAMING,
        COMPLETE,
        SPENT
    }

    private final Publisher<ByteBuf> source;
    private final long limit;
    private final List<ByteBuf> kept = new ArrayList<>(4);
    private long keptBytes; // guarded by this
    private long seenBytes; // guarded by this
    private State state = State.FRESH; // guarded by this
    private boolean overflowed; // guarded by this
    private boolean released; // guarded by this

    /**
     * @param source the client's body, subscribed at most once
     * @param limit the most readable bytes kept for replay; 0 keeps nothing (only a body never read can
     *     be sent again)
     */
    public ReplayableBody(Publisher<ByteBuf> source, long limit) {
        this.source = source;
        this.limit = limit;
    }

    /**
     * The body for the next attempt: the client's stream for the first attempt that subscribes, the
     * kept chunks afterwards. Nothing happens until the attempt subscribes, so an attempt that failed
     * before sending its body (a connect failure) leaves the body as it was.
     *
     * @throws IllegalStateException if the body is not replayable (check {@link #replayable()} first);
     *     the returned flux signals it too if another attempt took the body meanwhile
     */
    public synchronized Flux<ByteBuf> attempt() {
        if (!replayable()) {
            throw notReplayable();
        }
        return Flux.defer(this::subscribed);
    }

    private synchronized Flux<ByteBuf> subscribed() {
        if (state == State.FRESH && !released) {
            state = State.STREAMING;
            return Flux.from(source)
                    .map(this::keep)
                    .doOnComplete(this::completed)
                    .doFinally(signal -> ended());
        }
        if (state == State.COMPLETE && !released) {
            List<ByteBuf> copy = List.copyOf(kept);
            return Flux.fromIterable(copy).map(this::duplicate);
        }
        return Flux.error(notReplayable());
    }

    private IllegalStateException notReplayable() {
        return new IllegalStateException("the request body cannot be sent again: " + reason());
    }

    /**
     * A replayable body over Spring's buffers, for the Spring Cloud Gateway path ({@code
     * exchange.getRequest().getBody()}): Netty buffers are used as they are (same reference count),
     * others are wrapped.
     */
    public static ReplayableBody ofDataBuffers(Publisher<? extends DataBuffer> source, long limit) {
        return new ReplayableBody(Flux.from(source).map(NettyDataBufferFactory::toByteBuf), limit);
    }

    /** {@link #attempt()} as Spring buffers, for the Spring Cloud Gateway path. */
    public Flux<DataBuffer> attempt(NettyDataBufferFactory factory) {
        return attempt().map(factory::wrap);
    }

    /** Whether the next {@link #attempt()} would send the whole body. */
    public synchronized boolean replayable() {
        return (state == State.FRESH || state == State.COMPLETE) && !released;
    }

    /** Readable bytes kept for replay now (at most the limit). */
    public synchronized long keptBytes() {
        return keptBytes;
    }

    /** Whether the body passed the limit (it then streamed through, unkept). */
    public synchronized boolean overflowed() {
        return overflowed;
    }

    /** Releases the kept chunks; later attempts are refused. Idempotent. */
    public synchronized void release() {
        released = true;
        drop();
    }

    private synchronized ByteBuf keep(ByteBuf chunk) {
        if (released || overflowed) {
            return chunk;
        }
        seenBytes += chunk.readableBytes();
        if (seenBytes > limit) {
            overflowed = true;
            drop();
            return chunk;
        }
        kept.add(chunk);
        keptBytes = seenBytes;
        return chunk.retainedDuplicate();
    }

    private synchronized ByteBuf duplicate(ByteBuf chunk) {
        if (released) {
            throw new IllegalStateException("the request body was released");
        }
        return chunk.retainedDuplicate();
    }

    private synchronized void completed() {
        if (state == State.STREAMING && !overflowed && !released) {
            state = State.COMPLETE;
        }
    }

    private synchronized void ended() {
        if (state == State.STREAMING) {
            state = State.SPENT; // cut off mid-body, or passed the limit
            drop();
        } else if (state == State.COMPLETE && released) {
            drop();
        }
    }

    private void drop() {
        for (ByteBuf chunk : kept) {
            chunk.release();
        }
        kept.clear();
        keptBytes = 0;
    }

    private String reason() {
        if (released) {
            return "it was released";
        }
        if (overflowed) {
            return "it is larger than the " + limit + " bytes kept for retries";
        }
        return state == State.STREAMING
                ? "the first attempt is still sending it"
                : "the first attempt stopped before its end";
    }

    @Override
    public synchronized String toString() {
        return "ReplayableBody[" + state + ", " + keptBytes + " of " + limit + " bytes kept"
                + (overflowed ? ", overflowed" : "") + "]";
    }
}
