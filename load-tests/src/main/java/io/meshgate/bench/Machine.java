package io.meshgate.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The machine and software a run measured on, and the commit it measured, for the results heading.
 *
 * @param cpus CPUs this process may use
 * @param cpuModel from /proc/cpuinfo
 * @param memory total memory
 * @param kernel Linux release
 * @param nginx nginx version
 * @param wrk wrk version
 * @param java the gateways' java version
 * @param commit short commit hash of the repository, with a note when there are uncommitted changes
 */
record Machine(
        int cpus, String cpuModel, String memory, String kernel, String nginx, String wrk, String java, String commit) {

    static Machine describe(Settings settings) {
        return new Machine(
                Runtime.getRuntime().availableProcessors(),
                procLine("/proc/cpuinfo", "model name").orElse("unknown CPU"),
                procLine("/proc/meminfo", "MemTotal")
                        .map(v -> String.format(
                                Locale.ROOT, "%.1f GiB", Long.parseLong(v.replaceAll("[^0-9]", "")) / 1048576.0))
                        .orElse("unknown memory"),
                read("/proc/sys/kernel/osrelease").orElse(System.getProperty("os.version")),
                firstLine(List.of(Benchmark.which("nginx"), "-v")).replace("nginx version: ", ""),
                "wrk " + firstLine(List.of(Benchmark.which("wrk"), "-v")).replaceAll("^wrk | +Copyright.*", ""),
                firstLine(List.of(settings.java(), "-version")),
                commit(ModuleDir.find()));
    }

    /** The 1, 5 and 15 minute load averages: how busy the shared machine was. */
    static String loadAverage() {
        return read("/proc/loadavg")
                .map(l -> String.join(" ", List.of(l.split(" ")).subList(0, 3)))
                .orElse("?");
    }

    private static String commit(Path dir) {
        String hash = firstLine(dir, List.of("git", "rev-parse", "--short", "HEAD"));
        if (hash.isEmpty() || hash.contains("fatal") || hash.contains(" ")) {
            return "none (no commit yet)";
        }
        String status = firstLine(dir, List.of("git", "status", "--porcelain", "--untracked-files=no"));
        return status.isEmpty() ? hash : hash + " (with uncommitted changes)";
    }

    private static Optional<String> procLine(String file, String key) {
        try {
            return Files.readAllLines(Path.of(file)).stream()
                    .filter(l -> l.startsWith(key))
                    .map(l -> l.substring(l.indexOf(':') + 1).trim())
                    .findFirst();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static Optional<String> read(String file) {
        try {
            return Optional.of(Files.readString(Path.of(file)).trim());
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static String firstLine(List<String> command) {
        return firstLine(null, command);
    }

    private static String firstLine(Path dir, List<String> command) {
        try {
            ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
            if (dir != null) {
                pb.directory(dir.toFile());
            }
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor(10, TimeUnit.SECONDS);
            return out.lines().findFirst().orElse("").trim();
        } catch (IOException | InterruptedException e) {
            return "";
        }
    }
}
