package io.meshgate.app.accesslog;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The access log's output: lines collect in a buffer written out by {@link #flush()}, which the
 * access log's writer calls after each batch (or when the buffer fills). A busy gateway so makes one
 * write per batch of lines instead of one per request; a quiet one still shows each line within
 * milliseconds.
 */
final class BatchingOutputAppender extends OutputStreamAppender<ILoggingEvent> {

    /** Within a pipe's atomic write size, so a batch on standard output is never split by other writers. */
    private static final int STDOUT_BUFFER = 4096;

    private static final int FILE_BUFFER = 64 * 1024;

    private final OutputStream target;

    private BatchingOutputAppender(OutputStream target) {
        this.target = target;
        setImmediateFlush(false);
    }

    /** Writes to {@code System.out} (looked up at each write, so a replaced one is honoured). */
    static BatchingOutputAppender standardOutput() {
        return new BatchingOutputAppender(new BufferedOutputStream(new StandardOutput(), STDOUT_BUFFER));
    }

    /** Appends to the file, creating it if needed. */
    static BatchingOutputAppender file(Path file) {
        try {
            return new BatchingOutputAppender(new BufferedOutputStream(
                    Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND), FILE_BUFFER));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot open the access log file " + file + ": " + e, e);
        }
    }

    @Override
    public void start() {
        setOutputStream(target);
        super.start();
    }

    /** Writes out the buffered lines. */
    void flush() {
        if (!isStarted()) {
            return;
        }
        streamWriteLock.lock();
        try {
            getOutputStream().flush();
        } catch (IOException e) {
            addError("Cannot write the access log", e);
        } finally {
            streamWriteLock.unlock();
        }
    }

    /** {@code System.out} as a stream that is never closed (closing the appender only flushes it). */
    private static final class StandardOutput extends OutputStream {

        @Override
        public void write(int b) {
            System.out.write(b);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) {
            System.out.write(bytes, offset, length);
        }

        @Override
        public void flush() {
            System.out.flush();
        }

        @Override
        public void close() {
            flush();
        }
    }
}
