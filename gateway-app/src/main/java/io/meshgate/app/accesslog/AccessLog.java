package io.meshgate.app.accesslog;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;

/**
 * Hands {@link AccessRecord}s from the request path to a writer thread, which logs them to the
 * logger {@code meshgate.access} (where {@link AccessLogFormatter} makes the JSON). The request path
 * pays for one queue offer: when the queue is full the record is dropped and counted, never waited
 * for. The writer polls the queue (1 to 50 ms apart, sooner while busy) instead of waiting on it, so
 * a request never wakes it: Logback's {@code AsyncAppender} blocks its worker on the queue, and the
 * wake-up it then costs every request (a futex call and a thread switch on the proxy's core) was
 * the larger part of the access log's cost.
 */
public final class AccessLog implements AutoCloseable {

    /** The logger the lines go through ({@code logging.level.meshgate.access=off} silences it too). */
    public static final String LOGGER = "meshgate.access";

    private static final int BATCH = 512;
    private static final long MIN_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final long MAX_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    private final Logger logger;
    private final ArrayBlockingQueue<AccessRecord> queue;
    private final Runnable afterBatch;
    private final LongAdder dropped = new LongAdder();
    private final Thread writer;
    private volatile boolean running = true;

    /**
     * @param logger where the records are logged, on the writer thread
     * @param capacity records that may wait for the writer
     * @param afterBatch run by the writer after each batch (flushes buffered output)
     */
    public AccessLog(Logger logger, int capacity, Runnable afterBatch) {
        this.logger = logger;
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.afterBatch = afterBatch;
        this.writer = new Thread(this::write, "meshgate-access-log");
        this.writer.setDaemon(true);
    }

    public AccessLog start() {
        writer.start();
        return this;
    }

    /** Queues the record for the writer; never blocks. */
    public void write(AccessRecord record) {
        if (logger.isInfoEnabled() && !queue.offer(record)) {
            dropped.increment();
        }
    }

    /** Records dropped because the queue was full, since start. */
    public long dropped() {
        return dropped.sum();
    }

    private void write() {
        List<AccessRecord> batch = new ArrayList<>(BATCH);
        long pause = MIN_PAUSE_NANOS;
        while (running || !queue.isEmpty()) {
            queue.drainTo(batch, BATCH);
            if (batch.isEmpty()) {
                LockSupport.parkNanos(this, pause);
                pause = Math.min(pause * 2, MAX_PAUSE_NANOS);
                continue;
            }
            pause = MIN_PAUSE_NANOS;
            for (AccessRecord record : batch) {
                try {
                    // No placeholder: the record is the event's argument, formatted by AccessLogFormatter.
                    logger.info("access", record);
                } catch (RuntimeException e) {
                    // An appender failing must not stop the log; Logback reports its own errors.
                }
            }
            batch.clear();
            afterBatch.run();
        }
    }

    /** Writes what is queued (waiting up to 5 s) and stops the writer. */
    @Override
    public void close() {
        running = false;
        LockSupport.unpark(writer);
        try {
            writer.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
