package io.meshgate.app.accesslog;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Where the access log's writer thread puts its lines: {@link AccessLogFormatter}'s JSON, collected
 * in a buffer that {@link #flush()} writes out after each batch (or when it fills). A busy gateway
 * so makes one write per batch instead of one per request; a quiet one still shows each line within
 * milliseconds. The lines go to the stream directly, not through a Logback appender: building a
 * logging event, its encoder and the appender's lock for each line cost as much again as the JSON.
 */
public class AccessLogOutput implements AutoCloseable {

    /** Within a pipe's atomic write size, so a batch on standard output is never split by other writers. */
    private static final int STDOUT_BUFFER = 4096;

    private static final int FILE_BUFFER = 64 * 1024;

    private final OutputStream out;
    private final boolean closeTarget;

    AccessLogOutput(OutputStream out, boolean closeTarget) {
        this.out = out;
        this.closeTarget = closeTarget;
    }

    /** Writes to {@code System.out} (looked up at each write, so a replaced one is honoured). */
    static AccessLogOutput standardOutput() {
        return new AccessLogOutput(new BufferedOutputStream(new StandardOutput(), STDOUT_BUFFER), false);
    }

    /** Appends to the file, creating it if needed. */
    static AccessLogOutput file(Path file) {
        try {
            return new AccessLogOutput(
                    new BufferedOutputStream(
                            Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND),
                            FILE_BUFFER),
                    true);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot open the access log file " + file + ": " + e, e);
        }
    }

    /** Adds the record's line to the buffer. */
    public void write(AccessRecord record) throws IOException {
        out.write(AccessLogFormatter.json(record).getBytes(StandardCharsets.UTF_8));
    }

    /** Writes out the buffered lines. */
    public void flush() throws IOException {
        out.flush();
    }

    /** Writes out what is buffered; closes a file, never standard output. */
    @Override
    public void close() throws IOException {
        if (closeTarget) {
            out.close();
        } else {
            out.flush();
        }
    }

    /** {@code System.out} as a stream. */
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
    }
}
