package io.meshgate.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Keeps the benchmark harness working: runs it in {@code --smoke} mode (direct, nginx and meshgate; 16
 * connections; one 2 s round) and checks that it wrote its results with traffic and no errors for every
 * target. Not a benchmark: the numbers are not looked at. Needs nginx, wrk and openssl: on CI
 * ({@code CI=true}) a missing one fails the test, elsewhere it skips it.
 */
class BenchmarkSmokeIT {

    private static final List<String> TARGETS = List.of("direct", "nginx", "meshgate");

    @Test
    @Timeout(value = 150, unit = TimeUnit.SECONDS)
    void smokeRunMeasuresEveryTargetWithoutErrors() throws IOException {
        Path module = ModuleDir.find();
        Path out = module.resolve("target/bench-smoke-it");
        Path meshgateJar = module.resolveSibling("gateway-app").resolve("target/meshgate.jar");
        requirePrerequisites(meshgateJar);
        deleteRecursively(out.resolve("results"));
        Path resultsFile = out.resolve("results/RESULTS.md");

        System.setProperty("bench.command", "BenchmarkSmokeIT: meshgate-bench");
        int exit = Benchmark.run(
                "--smoke",
                "--targets=" + String.join(",", TARGETS),
                "--results-file=" + resultsFile,
                "--chart-dir=" + out.resolve("results"),
                "--work-dir=" + out.resolve("work"),
                "--meshgate-jar=" + meshgateJar);

        assertThat(exit)
                .as("exit status; child logs in %s", out.resolve("work/logs"))
                .isZero();
        String markdown = Files.readString(resultsFile);
        for (String target : TARGETS) {
            assertThat(markdown).contains("| " + target + " | ");
        }
        Map<String, List<String[]>> runs = csvRuns(out.resolve("results"));
        assertThat(runs.keySet()).containsExactlyInAnyOrderElementsOf(TARGETS);
        runs.forEach((target, rows) -> {
            for (String[] row : rows) {
                assertThat(Double.parseDouble(row[6])).as("%s req/s", target).isPositive();
                for (int errors = 12; errors <= 16; errors++) {
                    assertThat(Long.parseLong(row[errors]))
                            .as("%s errors", target)
                            .isZero();
                }
            }
        });
        try (Stream<Path> files = Files.list(out.resolve("results"))) {
            assertThat(files.filter(p -> p.toString().endsWith(".png")))
                    .singleElement()
                    .satisfies(png -> assertThat(Files.size(png)).isPositive());
        }
    }

    /** On CI a missing prerequisite is a failure (CI installs them); on a workstation a skip. */
    private static void requirePrerequisites(Path meshgateJar) throws IOException {
        List<String> missing = new ArrayList<>();
        for (String binary : List.of("nginx", "wrk", "openssl")) {
            if (!Benchmark.onPath(binary)) {
                missing.add(binary + " (apt-get install -y " + binary + ")");
            }
        }
        if (!Files.isRegularFile(meshgateJar) || Files.size(meshgateJar) < 1024) {
            missing.add(meshgateJar + " (build gateway-app first)");
        }
        if (missing.isEmpty()) {
            return;
        }
        String message = "the benchmark smoke needs: " + String.join(", ", missing);
        if ("true".equals(System.getenv("CI"))) {
            fail(message);
        }
        assumeTrue(false, message);
    }

    private static Map<String, List<String[]>> csvRuns(Path dir) throws IOException {
        Path csv;
        try (Stream<Path> files = Files.list(dir)) {
            csv = files.filter(p -> p.toString().endsWith(".csv")).findFirst().orElseThrow();
        }
        return Files.readAllLines(csv).stream()
                .skip(1)
                .map(line -> line.split(","))
                .collect(Collectors.groupingBy(row -> row[0]));
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p :
                    paths.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) {
                Files.delete(p);
            }
        }
    }
}
