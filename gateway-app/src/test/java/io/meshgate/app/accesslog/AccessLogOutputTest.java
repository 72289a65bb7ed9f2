package io.meshgate.app.accesslog;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AccessLogOutputTest {

    @Test
    void standardOutputGetsOneWritePerBatchAndStaysOpen() throws Exception {
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
            AccessLogOutput output = AccessLogOutput.standardOutput();
            output.write(AccessLogFormatterTest.record("/one"));
            output.write(AccessLogFormatterTest.record("/two"));
            assertThat(captured.size())
                    .as("nothing written before the batch ends")
                    .isZero();

            output.flush();
            assertThat(captured.toString(StandardCharsets.UTF_8).lines())
                    .hasSize(2)
                    .allMatch(line -> line.startsWith("{\"time\":"))
                    .anyMatch(line -> line.contains("\"path\":\"/two\""));
            assertThat(writes.get()).isEqualTo(1);

            output.close();
            System.out.println("still open");
            assertThat(captured.toString(StandardCharsets.UTF_8)).endsWith("still open\n");
        } finally {
            System.setOut(original);
        }
    }

    @Test
    void fileGetsTheLinesOfABatchWhenItEnds(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("access.log");
        try (AccessLogOutput output = AccessLogOutput.file(file)) {
            output.write(AccessLogFormatterTest.record("/ü"));
            assertThat(Files.readString(file)).isEmpty();
            output.flush();
            assertThat(Files.readString(file, StandardCharsets.UTF_8))
                    .contains("\"path\":\"/ü\"")
                    .endsWith("}\n");
        }
    }
}
