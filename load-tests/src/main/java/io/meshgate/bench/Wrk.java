package io.meshgate.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * Drives load with wrk: a fixed number of keep-alive connections sending requests back to back for
 * a fixed time (a closed loop: it measures the most a target serves, not latency at a fixed rate).
 * A small Lua {@code done()} script prints wrk's summary as JSON, which is parsed into {@link Summary}.
 */
final class Wrk {

    private static final String PREFIX = "WRK_JSON ";
    private static final JsonMapper JSON = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private final CpuPinning pinning;
    private final Path script;
    private final int threads;
    private final Duration timeout;

    /** wrk's summary of one run. Times in microseconds. */
    record Summary(long requests, long durationUs, long bytes, Errors errors, Latency latencyUs) {

        double requestsPerSecond() {
            return durationUs == 0 ? 0 : requests * 1_000_000.0 / durationUs;
        }
    }

    /** wrk's error counts; {@code status} is responses with a status of 400 or more. */
    record Errors(long connect, long read, long write, long status, long timeout) {
        long total() {
            return connect + read + write + status + timeout;
        }

        String describe() {
            List<String> parts = new ArrayList<>();
            add(parts, "connect", connect);
            add(parts, "read", read);
            add(parts, "write", write);
            add(parts, "status>=400", status);
            add(parts, "timeout", timeout);
            return String.join(", ", parts);
        }

        private static void add(List<String> parts, String name, long n) {
            if (n > 0) {
                parts.add(n + " " + name);
            }
        }
    }

    /** wrk's latency distribution in microseconds. */
    record Latency(double mean, double stdev, long max, long p50, long p90, long p99, long p999) {}

    /**
     * @param pinning where wrk runs
     * @param workDir where the Lua script is written
     * @param threads wrk threads (at most the connections of a run)
     * @param timeout wrk's per-request timeout; a slower response counts as a timeout error
     */
    Wrk(CpuPinning pinning, Path workDir, int threads, Duration timeout) throws IOException {
        this.pinning = pinning;
        this.threads = threads;
        this.timeout = timeout;
        this.script = workDir.resolve("wrk-report.lua");
        Files.writeString(script, Templates.load("wrk-report.lua"), StandardCharsets.UTF_8);
    }

    /** Runs wrk against {@code url} and returns its summary; fails if wrk fails or prints none. */
    Summary run(String url, int connections, Duration duration) throws IOException, InterruptedException {
        long seconds = Math.max(1, duration.toSeconds());
        List<String> command = pinning.client(List.of(
                Benchmark.which("wrk"),
                "-t" + Math.min(threads, connections),
                "-c" + connections,
                "-d" + seconds + "s",
                "--timeout",
                Math.max(1, timeout.toSeconds()) + "s",
                "-s",
                script.toString(),
                url));
        Process wrk = new ProcessBuilder(command).redirectErrorStream(true).start();
        CompletableFuture<String> output = CompletableFuture.supplyAsync(() -> {
            try {
                return new String(wrk.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "(output unreadable: " + e + ")";
            }
        });
        try {
            if (!wrk.waitFor(seconds + 30, TimeUnit.SECONDS)) {
                throw new IOException("wrk did not finish within " + (seconds + 30) + " s: " + command);
            }
            String text = output.join();
            return parse(text)
                    .orElseThrow(() -> new IOException(
                            "wrk exited with " + wrk.exitValue() + " and no summary: " + command + "\n" + text));
        } finally {
            wrk.destroyForcibly();
        }
    }

    static java.util.Optional<Summary> parse(String wrkOutput) {
        return wrkOutput
                .lines()
                .filter(line -> line.startsWith(PREFIX))
                .findFirst()
                .map(line -> JSON.readValue(line.substring(PREFIX.length()), Summary.class));
    }
}
