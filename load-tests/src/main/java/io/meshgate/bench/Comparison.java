package io.meshgate.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * One benchmark run: starts the upstream and every target side by side (each pinned), warms each up,
 * then for each connection count runs the targets interleaved (A B C A B C ...) for the configured
 * rounds, so that drift of a shared machine hits every target alike. Stops every child at the end.
 */
final class Comparison {

    private final Settings settings;

    /** One measured wrk run. */
    record Run(String target, int connections, int round, Wrk.Summary wrk, long peakRssKib, double cpuPercent) {}

    /**
     * A JIT warm-up: req/s of each slice, whether three slices in a row agreed within 5 %, and the errors
     * of all slices by kind (empty when none; errors in warm-up do not flag a target, but say why a
     * warm-up was slow).
     */
    record Warmup(String target, List<Double> sliceRps, long seconds, boolean stable, String errors) {}

    /** A target that did not start, or stopped answering mid-run. */
    record Failure(String target, String reason) {}

    /** Everything a report needs. */
    record Outcome(
            Settings settings,
            Machine machine,
            Instant started,
            Instant ended,
            String loadAtStart,
            String loadAtEnd,
            List<String> jars,
            List<RunningTarget> running,
            List<Failure> failures,
            List<Warmup> warmups,
            List<Run> runs) {

        /** No target failed and no run counted an error. */
        boolean clean() {
            return failures.isEmpty()
                    && runs.stream().allMatch(r -> r.wrk().errors().total() == 0);
        }
    }

    Comparison(Settings settings) {
        this.settings = settings;
    }

    Outcome run() throws Exception {
        Files.createDirectories(settings.workDir());
        ChildProcesses.stopLeftovers(settings.workDir());
        Instant started = Instant.now();
        String loadAtStart = Machine.loadAverage();
        Machine machine = Machine.describe(settings);
        log("meshgate-bench (%s): %s", settings.profile(), String.join(", ", names(settings.targets())));
        log("pinning: %s", settings.pinning().describe());
        log(
                "at most ~%d min; child logs in %s",
                estimateMinutes(), settings.workDir().resolve("logs"));

        List<RunningTarget> running = new ArrayList<>();
        List<Failure> failures = new ArrayList<>();
        List<Warmup> warmups = new ArrayList<>();
        List<Run> runs = new ArrayList<>();
        List<String> jars = new ArrayList<>();
        try (ChildProcesses children = new ChildProcesses(settings.workDir())) {
            Certificates certs = Certificates.create(settings.workDir().resolve("tls"));
            TargetLauncher launcher = new TargetLauncher(settings, children, certs);
            jars.addAll(launcher.jarNotes());
            launcher.startUpstream();
            Wrk wrk = new Wrk(settings.pinning(), settings.workDir(), settings.wrkThreads(), settings.wrkTimeout());

            for (TargetSpec spec : settings.targets()) {
                try {
                    if (spec.kind().jvm()) {
                        awaitQuietProxyCpu(running);
                    }
                    RunningTarget target = launcher.start(spec);
                    running.add(target);
                    log(
                            "%s: up at %s, first proxied request after %s, RSS %s, answered by %s",
                            spec.name(),
                            target.url(),
                            Double.isNaN(target.firstRequestSeconds())
                                    ? "-"
                                    : String.format(Locale.ROOT, "%.2f s", target.firstRequestSeconds()),
                            Report.mib(target.rssAfterStartKib()),
                            target.answeredBy());
                } catch (IOException e) {
                    failures.add(new Failure(spec.name(), "did not start: " + e.getMessage()));
                    log("%s: DID NOT START: %s", spec.name(), e.getMessage());
                }
            }

            for (RunningTarget target : List.copyOf(running)) {
                try {
                    warmups.add(warmUp(wrk, target));
                } catch (IOException e) {
                    fail(running, failures, target, "failed in warm-up: " + e.getMessage());
                }
            }

            for (int connections : settings.connections()) {
                if (!settings.settle().isZero()) {
                    for (RunningTarget target : List.copyOf(running)) {
                        try {
                            wrk.run(target.url(), connections, settings.settle());
                        } catch (IOException e) {
                            fail(running, failures, target, "failed while settling: " + e.getMessage());
                        }
                    }
                }
                for (int round = 1; round <= settings.rounds(); round++) {
                    for (RunningTarget target : List.copyOf(running)) {
                        try {
                            runs.add(measure(wrk, target, connections, round));
                        } catch (IOException e) {
                            fail(running, failures, target, "failed in a measured run: " + e.getMessage());
                        }
                    }
                }
            }
        }
        return new Outcome(
                settings,
                machine,
                started,
                Instant.now(),
                loadAtStart,
                Machine.loadAverage(),
                jars,
                running,
                failures,
                warmups,
                runs);
    }

    /**
     * Whether the last three slices agree within 5 % of each other. Two were not enough: on one core
     * the JIT can hold throughput on a plateau for two slices and then climb again (seen: stock
     * Spring Cloud Gateway over TLS "stable" at 2.3k req/s, later 10k).
     */
    static boolean settled(List<Double> slices) {
        int n = slices.size();
        if (n < 3) {
            return false;
        }
        for (int i = n - 2; i < n; i++) {
            if (Math.abs(slices.get(i) - slices.get(i - 1)) > 0.05 * slices.get(i - 1)) {
                return false;
            }
        }
        return true;
    }

    private Warmup warmUp(Wrk wrk, RunningTarget target) throws IOException, InterruptedException {
        boolean jvm = target.spec().kind().jvm();
        long maxSeconds = jvm
                ? settings.warmupMax().toSeconds()
                : Math.min(5, settings.warmupSlice().toSeconds());
        long minSeconds = jvm ? settings.warmupMin().toSeconds() : 0;
        long sliceSeconds = Math.max(1, settings.warmupSlice().toSeconds());
        List<Double> slices = new ArrayList<>();
        long elapsed = 0;
        boolean stable = false;
        List<String> errors = new ArrayList<>();
        while (elapsed < maxSeconds) {
            long seconds = Math.min(sliceSeconds, maxSeconds - elapsed);
            Wrk.Summary s = wrk.run(target.url(), settings.warmupConnections(), Duration.ofSeconds(seconds));
            slices.add(s.requestsPerSecond());
            if (s.errors().total() > 0) {
                errors.add("slice " + slices.size() + ": " + s.errors().describe());
            }
            elapsed += seconds;
            stable = settled(slices);
            if (stable && elapsed >= minSeconds) {
                break;
            }
        }
        String errorText = String.join("; ", errors);
        log(
                "%s: warm-up %d s: %s req/s%s%s",
                target.name(),
                elapsed,
                Report.slices(slices),
                stable ? " (stable)" : "",
                errors.isEmpty() ? "" : ", errors: " + errorText);
        return new Warmup(target.name(), slices, elapsed, stable, errorText);
    }

    private Run measure(Wrk wrk, RunningTarget target, int connections, int round)
            throws IOException, InterruptedException {
        ProcessHandle process = target.process();
        Wrk.Summary summary;
        long peakRss = -1;
        double cpuPercent = Double.NaN;
        if (process == null) {
            summary = wrk.run(target.url(), connections, settings.duration());
        } else {
            long cpuBefore = ProcessStats.cpuMillis(process);
            long wallBefore = System.nanoTime();
            try (ProcessStats.PeakRss rss = new ProcessStats.PeakRss(process)) {
                summary = wrk.run(target.url(), connections, settings.duration());
                peakRss = rss.peakKib();
            }
            long cpuAfter = ProcessStats.cpuMillis(process);
            if (cpuBefore >= 0 && cpuAfter >= 0) {
                cpuPercent = 100.0 * (cpuAfter - cpuBefore) / ((System.nanoTime() - wallBefore) / 1e6);
            }
            if (!process.isAlive()) {
                throw new IOException(
                        "the process exited; see " + target.child().log());
            }
        }
        Wrk.Errors errors = summary.errors();
        log(
                "%s: %d conns, round %d/%d: %,.0f req/s, p50 %.2f ms, p99 %.2f ms%s",
                target.name(),
                connections,
                round,
                settings.rounds(),
                summary.requestsPerSecond(),
                summary.latencyUs().p50() / 1000.0,
                summary.latencyUs().p99() / 1000.0,
                errors.total() == 0 ? "" : ", ERRORS: " + errors.describe());
        return new Run(target.name(), connections, round, summary, peakRss, cpuPercent);
    }

    private static void fail(List<RunningTarget> running, List<Failure> failures, RunningTarget target, String why) {
        running.remove(target);
        failures.add(new Failure(target.name(), why));
        log("%s: %s; left out from here on", target.name(), why);
    }

    private long estimateMinutes() {
        long seconds = 0;
        for (TargetSpec t : settings.targets()) {
            seconds += t.kind().jvm() ? settings.warmupMax().toSeconds() + 15 : 5;
            seconds += settings.connections().size()
                    * (settings.settle().toSeconds()
                            + settings.rounds() * settings.duration().toSeconds());
        }
        return Math.max(1, (seconds + 59) / 60);
    }

    private static List<String> names(List<TargetSpec> specs) {
        return specs.stream().map(TargetSpec::name).toList();
    }

    /**
     * Waits (at most 30 s) until the targets already started use under 5 % of a core: a JVM's
     * compiler threads go on working for a while after its first request, and on the shared proxy
     * core they would slow the next target's start-up, which is measured alone in a pod.
     */
    private static void awaitQuietProxyCpu(List<RunningTarget> running) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            long before = busyMillis(running);
            Thread.sleep(500);
            if (busyMillis(running) - before < 25) {
                return;
            }
        }
    }

    private static long busyMillis(List<RunningTarget> running) {
        long millis = 0;
        for (RunningTarget target : running) {
            if (target.child() != null) {
                millis += ProcessStats.cpuMillis(target.child().process().toHandle());
            }
        }
        return millis;
    }

    static void log(String format, Object... args) {
        System.out.println("[" + LocalTime.now().truncatedTo(ChronoUnit.SECONDS) + "] "
                + String.format(Locale.ROOT, format, args));
        System.out.flush();
    }
}
