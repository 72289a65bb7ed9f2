package io.meshgate.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ReportTest {

    @Test
    void reportsMediansAndRatiosToNginxOverTheSameProtocol() {
        String markdown = markdown(List.of(
                run("nginx", 1, 40_000, 2_500, 0),
                run("nginx", 2, 42_000, 2_400, 0),
                run("nginx", 3, 38_000, 2_600, 0),
                run("meshgate", 1, 10_000, 20_000, 0),
                run("meshgate", 2, 8_000, 25_000, 0),
                run("meshgate", 3, 9_000, 10_000, 0)));

        assertThat(markdown).contains("| nginx | 40,000 | 10 % | 1.00x | 0.20 | 2.50 | 1.00x | 0 |");
        assertThat(markdown).contains("| meshgate | 9,000 | 22 % | 0.23x | 0.20 | 20.00 | 8.00x | 0 |");
        assertThat(markdown).doesNotContain("Flagged");
    }

    @Test
    void flagsATargetWithErrors() {
        String markdown = markdown(List.of(run("nginx", 1, 40_000, 2_500, 0), run("meshgate", 1, 9_000, 20_000, 7)));

        assertThat(markdown).contains("| **7 !** |");
        assertThat(markdown).contains("**Flagged**").contains("**meshgate** at 64 connections: 7 status>=400");
    }

    @Test
    void quotesArgumentsThatAShellWouldSplit() {
        assertThat(Benchmark.shellQuoted("--connections=16,64")).isEqualTo("--connections=16,64");
        assertThat(Benchmark.shellQuoted("shared machine, builds")).isEqualTo("'shared machine, builds'");
    }

    private static String markdown(List<Comparison.Run> runs) {
        Settings settings = new Settings(
                "full",
                null,
                "load-tests/bench",
                Targets.named(List.of("nginx", "meshgate"), false),
                List.of(64),
                3,
                Duration.ofSeconds(15),
                Duration.ofSeconds(120),
                Duration.ofSeconds(40),
                Duration.ofSeconds(10),
                64,
                Duration.ofSeconds(5),
                Path.of("RESULTS.md"),
                Path.of("results"),
                Path.of("target/work"),
                Path.of("meshgate.jar"),
                null,
                Path.of("stock-scg.jar"),
                "java",
                List.of("-Xmx256m"),
                true,
                new CpuPinning("0", "1", "1", true),
                1,
                Duration.ofSeconds(5),
                Duration.ofSeconds(120));
        Machine machine = new Machine(2, "cpu", "24 GiB", "6.1", "nginx/1.22.1", "wrk 4.1.0", "java 17", "abc1234");
        Instant start = Instant.parse("2026-01-01T00:00:00Z");
        Comparison.Outcome outcome = new Comparison.Outcome(
                settings,
                machine,
                start,
                start.plusSeconds(600),
                "0.1",
                "0.2",
                List.of(),
                List.of(),
                List.of(),
                List.of(),
                new ArrayList<>(runs));
        return Report.markdown(outcome, Path.of("."), Optional.empty(), Path.of("results/x.csv"));
    }

    private static Comparison.Run run(String target, int round, long rps, long p99Us, long statusErrors) {
        Wrk.Summary summary = new Wrk.Summary(
                rps * 15,
                15_000_000,
                0,
                new Wrk.Errors(0, 0, 0, statusErrors, 0),
                new Wrk.Latency(0, 0, p99Us * 2, 200, 400, p99Us, p99Us));
        return new Comparison.Run(target, 64, round, summary, 1024, 99);
    }
}
