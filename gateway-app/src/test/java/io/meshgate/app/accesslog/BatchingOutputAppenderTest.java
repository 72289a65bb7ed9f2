package io.meshgate.app.accesslog;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BatchingOutputAppenderTest {

    @Test
    void standardOutputGetsOneWritePerBatch() {
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        AtomicInteger writes = new AtomicInteger();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8) {
            @Override
            public void write(byte[] bytes, int offset, int length) {
                writes.incrementAndGet();
                super.write(bytes, offset, length);
            }
        });
        try {
            BatchingOutputAppender appender = started(BatchingOutputAppender.standardOutput());

            for (int line = 3; line > 0; line--) {
                appender.doAppend(event("line " + line));
            }
            appender.doAppend(event("last"));
            assertThat(captured.size())
                    .as("nothing written before the batch ends")
                    .isZero();

            appender.flush();
            assertThat(captured.toString(StandardCharsets.UTF_8)).isEqualTo("line 3\nline 2\nline 1\nlast\n");
            assertThat(writes.get()).isEqualTo(1);

            appender.stop();
            System.out.println("still open");
            assertThat(captured.toString(StandardCharsets.UTF_8)).endsWith("still open\n");
        } finally {
            System.setOut(original);
        }
    }

    @Test
    void fileGetsTheLinesOfABatchWhenItEnds(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("access.log");
        BatchingOutputAppender appender = started(BatchingOutputAppender.file(file));
        appender.doAppend(event("first"));
        appender.doAppend(event("second"));
        assertThat(Files.readString(file)).isEmpty();
        appender.flush();
        assertThat(Files.readString(file)).isEqualTo("first\nsecond\n");
        appender.stop();
    }

    private static BatchingOutputAppender started(BatchingOutputAppender appender) {
        LoggerContext context = CONTEXT;
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern("%msg%n");
        encoder.start();
        appender.setContext(context);
        appender.setEncoder(encoder);
        appender.start();
        return appender;
    }

    private static final LoggerContext CONTEXT = context();

    private static LoggingEvent event(String message) {
        return new LoggingEvent(
                BatchingOutputAppenderTest.class.getName(),
                CONTEXT.getLogger(AccessLog.LOGGER),
                Level.INFO,
                message,
                null,
                null);
    }

    private static LoggerContext context() {
        LoggerContext context = new LoggerContext();
        context.setMDCAdapter(new LogbackMDCAdapter());
        return context;
    }
}
