package io.meshgate.app.accesslog;

import ch.qos.logback.classic.AsyncAppender;
import ch.qos.logback.classic.spi.ILoggingEvent;
import java.util.concurrent.atomic.LongAdder;

/**
 * Logback's {@link AsyncAppender} set never to block its caller: when the queue is full (the output
 * cannot keep up), an event is dropped and counted instead of stalling an event loop. Events are
 * dropped only when the queue is full, whatever their level.
 */
public final class DroppingAsyncAppender extends AsyncAppender {

    private final LongAdder dropped = new LongAdder();

    public DroppingAsyncAppender() {
        setNeverBlock(true);
        setDiscardingThreshold(0);
        setIncludeCallerData(false);
    }

    @Override
    protected void append(ILoggingEvent event) {
        // AsyncAppender drops silently when full; the check ahead of it is what makes drops countable
        // (a race with the worker can only make the count err low, never block).
        if (getRemainingCapacity() == 0) {
            dropped.increment();
            return;
        }
        super.append(event);
    }

    /** Events dropped because the queue was full, since start. */
    public long dropped() {
        return dropped.sum();
    }
}
