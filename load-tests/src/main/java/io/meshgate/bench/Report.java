package io.meshgate.bench;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Writes a run's results: a Markdown section appended to the results file (created with a header
 * that explains the columns), the raw runs as CSV and the chart as PNG, both named by the run's
 * start time.
 */
final class Report {

    private static final DateTimeFormatter STAMP =
            DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter HEADING =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(ZoneOffset.UTC);

    private static final String HEADER =
            """
            # meshgate benchmark results

            Appended by the benchmark harness, newest at the bottom: `load-tests/bench` (see
            [README.md](README.md) for flags, targets and how to add a variant). Each section records the
            date, commit, machine, command, pinning and JVM flags it was measured with.

            How to read a table (one per keep-alive connection count):

            - **req/s**: median over the interleaved rounds of wrk's requests per second (closed loop:
              each connection sends its next request when the previous answer arrives, so this is the
              most the target serves). **spread**: (fastest round - slowest round) / median; a large
              spread means a noisy machine, so trust the ratios less.
            - **vs nginx**: req/s divided by nginx's (HTTP targets against `nginx`, TLS targets against
              `nginx-tls`); 1.00 is nginx's throughput, higher is better.
            - **p50 / p99**: median over the rounds of wrk's 50th and 99th percentile latency, in ms.
              **p99 vs nginx**: p99 divided by nginx's; lower is better.
            - **errors**: wrk's connect, read, write and timeout errors plus responses >= 400, summed over
              the rounds. A target with errors is flagged; its numbers are not comparable.
            - **peak RSS**: highest resident memory of the proxy process (nginx: master + worker) sampled
              during the measured runs. **proxy CPU**: the proxy's CPU time over wall time during a run;
              100 % is its one pinned core fully busy, less means the load generator side was the limit.
            - `direct` is wrk straight to the upstream with no proxy: the ceiling of the client core.
            - **Feature cost**: each meshgate variant against the bare meshgate path (`meshgate`, or
              `meshgate-tls` for TLS variants; `meshgate-tls` itself against `meshgate`: the cost of TLS).
            - **Start-up**: process start to the first proxied 200 (the proxy pinned to one core), RSS
              right after it, and the warm-up (req/s per slice: how long the JIT took to settle).
            """;

    private Report() {}

    /** Appends the Markdown section and writes the CSV and the chart. */
    static void write(Comparison.Outcome outcome) throws IOException {
        Settings settings = outcome.settings();
        Files.createDirectories(settings.chartDir());
        String stamp = STAMP.format(outcome.started());
        Path csv = settings.chartDir().resolve("bench-" + stamp + ".csv");
        Path png = settings.chartDir().resolve("bench-" + stamp + ".png");
        Files.writeString(csv, csv(outcome), StandardCharsets.UTF_8);
        Optional<Path> chart = Optional.empty();
        try {
            ResultsChart.write(outcome, png);
            chart = Optional.of(png);
        } catch (IOException | RuntimeException e) {
            Comparison.log("chart not written: %s", e);
        }

        Path results = settings.resultsFile().toAbsolutePath();
        Files.createDirectories(results.getParent());
        if (!Files.exists(results) || Files.size(results) == 0) {
            Files.writeString(results, HEADER, StandardCharsets.UTF_8);
        }
        String section = markdown(outcome, results.getParent(), chart, csv);
        Files.writeString(results, section, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        System.out.println();
        System.out.println(section);
        Comparison.log(
                "appended to %s; chart %s; raw runs %s",
                results, chart.map(Path::toString).orElse("-"), csv);
    }

    static String markdown(Comparison.Outcome o, Path resultsDir, Optional<Path> chart, Path csv) {
        Settings s = o.settings();
        Machine m = o.machine();
        StringWriter text = new StringWriter();
        PrintWriter out = new PrintWriter(text);
        out.printf(
                Locale.ROOT, "%n## %s%s%n%n", HEADING.format(o.started()), s.label() == null ? "" : ": " + s.label());
        out.printf("- command: `%s`%n", s.command());
        out.printf("- commit: %s%n", m.commit());
        if (!o.jars().isEmpty()) {
            out.printf("- jars: %s%n", String.join("; ", o.jars()));
        }
        out.printf(
                Locale.ROOT,
                "- machine: %d CPUs (%s), %s, Linux %s; load average %s at start, %s at end%n",
                m.cpus(),
                m.cpuModel(),
                m.memory(),
                m.kernel(),
                o.loadAtStart(),
                o.loadAtEnd());
        out.printf(
                "- software: %s, %s, gateways on %s (TLS: nginx on OpenSSL; the gateways as their jars ship it)%n",
                m.nginx(), m.wrk(), m.java());
        out.printf("- pinning: %s; wrk threads: %d%n", s.pinning().describe(), s.wrkThreads());
        out.printf("- gateway JVM flags (scg and meshgate alike): `%s`%n", String.join(" ", s.jvmOpts()));
        out.printf(
                "- gateway jars: %s%n",
                s.shippedLayout()
                        ? "extracted, with a CDS archive from a training run (as meshgate's image runs it)"
                        : "run as they are (`--fat-jar`)");
        out.printf(
                Locale.ROOT,
                "- schedule (%s): warm-up per JVM target %s-%s s in %s s slices at %d connections (until three"
                        + " slices in a row agree within 5 %%); %s s settle per connection count; %d interleaved"
                        + " round(s) of %s s; took %s%n",
                s.profile(),
                s.warmupMin().toSeconds(),
                s.warmupMax().toSeconds(),
                s.warmupSlice().toSeconds(),
                s.warmupConnections(),
                s.settle().toSeconds(),
                s.rounds(),
                s.duration().toSeconds(),
                took(java.time.Duration.between(o.started(), o.ended())));
        out.printf(
                "- chart: %s; raw runs: `%s`%n",
                chart.map(p -> "![chart](" + relative(resultsDir, p) + ")").orElse("not written"),
                relative(resultsDir, csv));

        List<String> flagged = new ArrayList<>();
        o.failures().forEach(f -> flagged.add("**" + f.target() + "** " + firstLine(f.reason())));
        for (int connections : s.connections()) {
            Map<String, TargetResult> results = results(o, connections);
            out.printf("%n### %d keep-alive connections%n%n", connections);
            out.println("| target | req/s | spread | vs nginx | p50 ms | p99 ms | p99 vs nginx | errors | peak RSS |"
                    + " proxy CPU |");
            out.println("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
            for (TargetResult r : results.values()) {
                Optional<TargetResult> ref =
                        Optional.ofNullable(results.get(r.spec().reference()));
                if (r.errors() > 0) {
                    flagged.add("**" + r.spec().name() + "** at " + connections + " connections: " + r.errorDetail());
                }
                out.printf(
                        Locale.ROOT,
                        "| %s | %,.0f | %.0f %% | %s | %.2f | %.2f | %s | %s | %s | %s |%n",
                        r.spec().name(),
                        r.rps(),
                        100 * r.spread(),
                        ref.map(n -> ratio(r.rps() / n.rps())).orElse("-"),
                        r.p50Ms(),
                        r.p99Ms(),
                        ref.map(n -> ratio(r.p99Ms() / n.p99Ms())).orElse("-"),
                        r.errors() == 0 ? "0" : "**" + r.errors() + " !**",
                        mib(r.peakRssKib()),
                        Double.isNaN(r.cpuPercent()) ? "-" : String.format(Locale.ROOT, "%.0f %%", r.cpuPercent()));
            }
        }

        List<String> costs = featureCosts(o);
        if (!costs.isEmpty()) {
            out.printf("%n### Feature cost (variant vs bare meshgate)%n%n");
            out.println("| variant | against | connections | req/s ratio | p50 ratio | p99 ratio |");
            out.println("|---|---|---:|---:|---:|---:|");
            costs.forEach(out::println);
        }

        out.printf("%n### Start-up and warm-up%n%n");
        out.println("| target | start to first proxied request | RSS after start | answered by | warm-up req/s per"
                + " slice |");
        out.println("|---|---:|---:|---|---|");
        Map<String, Comparison.Warmup> warmups =
                o.warmups().stream().collect(Collectors.toMap(Comparison.Warmup::target, Function.identity()));
        for (RunningTarget t : startedTargets(o)) {
            Comparison.Warmup w = warmups.get(t.name());
            out.printf(
                    Locale.ROOT,
                    "| %s | %s | %s | %s | %s |%n",
                    t.name(),
                    Double.isNaN(t.firstRequestSeconds())
                            ? "-"
                            : String.format(Locale.ROOT, "%.2f s", t.firstRequestSeconds()),
                    mib(t.rssAfterStartKib()),
                    t.answeredBy(),
                    w == null ? "-" : warmup(w));
        }

        if (!flagged.isEmpty()) {
            out.printf("%n**Flagged** (numbers of these targets are not comparable):%n%n");
            flagged.forEach(f -> out.println("- " + f));
        }
        out.flush();
        return text.toString();
    }

    /** Results at one connection count, in target order. */
    static Map<String, TargetResult> results(Comparison.Outcome o, int connections) {
        Map<String, TargetResult> results = new java.util.LinkedHashMap<>();
        for (TargetSpec spec : o.settings().targets()) {
            TargetResult.of(spec, connections, o.runs()).ifPresent(r -> results.put(spec.name(), r));
        }
        return results;
    }

    private static List<String> featureCosts(Comparison.Outcome o) {
        List<String> rows = new ArrayList<>();
        for (TargetSpec spec : o.settings().targets()) {
            if (spec.bare() == null) {
                continue;
            }
            for (int connections : o.settings().connections()) {
                Map<String, TargetResult> results = results(o, connections);
                TargetResult variant = results.get(spec.name());
                TargetResult bare = results.get(spec.bare());
                if (variant != null && bare != null) {
                    rows.add(String.format(
                            Locale.ROOT,
                            "| %s | %s | %d | %s | %s | %s |",
                            spec.name(),
                            spec.bare(),
                            connections,
                            ratio(variant.rps() / bare.rps()),
                            ratio(variant.p50Ms() / bare.p50Ms()),
                            ratio(variant.p99Ms() / bare.p99Ms())));
                }
            }
        }
        return rows;
    }

    private static List<RunningTarget> startedTargets(Comparison.Outcome o) {
        List<String> order =
                o.settings().targets().stream().map(TargetSpec::name).toList();
        return o.running().stream()
                .sorted(java.util.Comparator.comparingInt(t -> order.indexOf(t.name())))
                .toList();
    }

    static String csv(Comparison.Outcome o) {
        StringBuilder csv = new StringBuilder("target,tls,connections,round,requests,duration_s,rps,p50_ms,p90_ms,"
                + "p99_ms,p999_ms,max_ms,errors_connect,errors_read,errors_write,errors_status,errors_timeout,"
                + "peak_rss_kib,proxy_cpu_percent\n");
        Map<String, TargetSpec> specs =
                o.settings().targets().stream().collect(Collectors.toMap(TargetSpec::name, Function.identity()));
        for (Comparison.Run r : o.runs()) {
            Wrk.Summary w = r.wrk();
            Wrk.Latency l = w.latencyUs();
            Wrk.Errors e = w.errors();
            csv.append(String.format(
                    Locale.ROOT,
                    "%s,%s,%d,%d,%d,%.3f,%.1f,%.3f,%.3f,%.3f,%.3f,%.3f,%d,%d,%d,%d,%d,%d,%.1f%n",
                    r.target(),
                    specs.get(r.target()).tls(),
                    r.connections(),
                    r.round(),
                    w.requests(),
                    w.durationUs() / 1e6,
                    w.requestsPerSecond(),
                    l.p50() / 1000.0,
                    l.p90() / 1000.0,
                    l.p99() / 1000.0,
                    l.p999() / 1000.0,
                    l.max() / 1000.0,
                    e.connect(),
                    e.read(),
                    e.write(),
                    e.status(),
                    e.timeout(),
                    r.peakRssKib(),
                    r.cpuPercent()));
        }
        return csv.toString();
    }

    private static String warmup(Comparison.Warmup w) {
        String text = slices(w.sliceRps());
        if (w.sliceRps().size() >= 2) { // one slice (nginx, direct, --quick) says nothing about stability
            text += w.stable() ? " (stable)" : " (not stable)";
        }
        return w.errors().isEmpty() ? text : text + "; errors in " + w.errors();
    }

    private static String took(java.time.Duration d) {
        return d.toMinutes() == 0 ? d.toSeconds() + " s" : d.toMinutes() + " min";
    }

    static String ratio(double ratio) {
        return Double.isFinite(ratio) ? String.format(Locale.ROOT, "%.2fx", ratio) : "-";
    }

    static String mib(long kib) {
        return kib < 0 ? "-" : String.format(Locale.ROOT, "%.0f MiB", kib / 1024.0);
    }

    static String slices(List<Double> rps) {
        return rps.stream()
                .map(r -> String.format(Locale.ROOT, "%.1fk", r / 1000))
                .collect(Collectors.joining(" "));
    }

    private static String relative(Path from, Path to) {
        try {
            return from.toAbsolutePath().relativize(to.toAbsolutePath()).toString();
        } catch (IllegalArgumentException e) {
            return to.toAbsolutePath().toString();
        }
    }

    private static String firstLine(String text) {
        return text.lines().findFirst().orElse("");
    }
}
