package io.meshgate.app.accesslog;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands {@link AccessRecord}s from the request path to a writer thread, which writes their JSON
 * lines to an {@link AccessLogOutput}. The logger {@code meshgate.access} only switches the log: it
 * is written while that logger is enabled for INFO. The request path pays for one queue offer: when the queue is full the record is dropped and counted, never waited
 * for. The writer polls the queue (1 to 50 ms apart, sooner while busy) instead of waiting on it, so
 * a request never wakes it: Logback's {@code AsyncAppender} blocks its worker on the queue, and the
 * wake-up it then costs every request (a futex call and a thread switch on the proxy's core) was
 * the larger part of the access log's cost.
 */
public final class AccessLog implements AutoCloseable {

    /** The logger whose level switches the log ({@code logging.level.meshgate.access=off} silences it). */
    public static final String LOGGER = "meshgate.access";

    private static final int BATCH = 512;
    private static final long MIN_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final long MAX_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    private final Logger logger;
    private final ArrayBlockingQueue<AccessRecord> queue;
    private final AccessLogOutput output;
    private final LongAdder dropped = new LongAdder();
    private final Thread writer;
    private volatile boolean running = true;
    private boolean failing;

    /**
     * @param logger whether to log: records are queued only while it is enabled for INFO
     * @param capacity records that may wait for the writer
     * @param output where the writer thread writes the lines, flushing after each batch
     */
    public AccessLog(Logger logger, int capacity, AccessLogOutput output) {
        this.logger = logger;
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.output = output;
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
            try {
                for (AccessRecord record : batch) {
                    output.write(record);
                }
                output.flush();
                failing = false;
            } catch (IOException | RuntimeException e) {
                failed(e);
            }
            batch.clear();
        }
    }

    /** One warning per failure streak, not one per batch. */
    private void failed(Exception e) {
        if (!failing) {
            failing = true;
            LoggerFactory.getLogger(AccessLog.class).warn("Cannot write the access log: {}", e.toString());
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
