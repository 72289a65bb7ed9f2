package io.meshgate.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * The long-running processes the harness starts (upstream, proxies, gateways), so that none outlives
 * it: each is stopped on {@link #close()} and by a shutdown hook on Ctrl-C or SIGTERM, which also stops
 * any other child of this JVM (a wrk run, otherwise bounded by its duration). Children run in the work dir with
 * their output in {@code logs/<name>.log}; their pids go to {@code children.pids} so that a later run
 * can stop what a killed run (SIGKILL skips shutdown hooks) left behind.
 */
final class ChildProcesses implements AutoCloseable {

    private static final String PID_FILE = "children.pids";

    private final Path workDir;
    private final Path logDir;
    private final List<Child> children = new CopyOnWriteArrayList<>();
    private final Thread hook = new Thread(this::stopEverything, "bench-stop-children");

    /** A started child: its name, process and {@link System#nanoTime()} just before it started. */
    record Child(String name, Process process, long startNanos, Path log) {
        long pid() {
            return process.pid();
        }
    }

    ChildProcesses(Path workDir) throws IOException {
        this.workDir = workDir.toAbsolutePath();
        this.logDir = this.workDir.resolve("logs");
        Files.createDirectories(logDir);
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /**
     * Stops processes that a previous run in this work dir left behind: pids from its pid file whose
     * working directory is still this work dir (so a recycled pid of someone else's process is left
     * alone).
     */
    static void stopLeftovers(Path workDir) throws IOException {
        Path pidFile = workDir.resolve(PID_FILE);
        if (!Files.exists(pidFile)) {
            return;
        }
        Path dir = workDir.toAbsolutePath().normalize();
        for (String line : Files.readAllLines(pidFile)) {
            String[] parts = line.trim().split("\\s+", 2);
            if (parts[0].isEmpty()) {
                continue;
            }
            long pid = Long.parseLong(parts[0]);
            ProcessHandle.of(pid).filter(ProcessHandle::isAlive).ifPresent(p -> {
                if (dir.equals(cwd(pid))) {
                    System.out.printf("stopping leftover %s (pid %d) of an earlier run%n", parts[1], pid);
                    stopTree(p);
                }
            });
        }
        Files.delete(pidFile);
    }

    private static Path cwd(long pid) {
        try {
            return Files.readSymbolicLink(Path.of("/proc", Long.toString(pid), "cwd"))
                    .normalize();
        } catch (IOException | UnsupportedOperationException e) {
            return null;
        }
    }

    /** Starts {@code command} in the work dir with stdout and stderr to {@code logs/<name>.log}. */
    Child start(String name, List<String> command) throws IOException {
        Path log = logDir.resolve(name + ".log");
        ProcessBuilder pb = new ProcessBuilder(command)
                .directory(workDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        Files.writeString(log, "$ " + String.join(" ", command) + System.lineSeparator(), StandardCharsets.UTF_8);
        long startNanos = System.nanoTime();
        Process process = pb.start();
        Child child = new Child(name, process, startNanos, log);
        children.add(child);
        Files.writeString(
                workDir.resolve(PID_FILE),
                process.pid() + " " + name + System.lineSeparator(),
                StandardCharsets.UTF_8,
                StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
        return child;
    }

    /** Stops one child and its descendants (nginx's workers). */
    void stop(Child child) {
        stopTree(child.process().toHandle());
        children.remove(child);
    }

    /** The last lines of a child's log, for error messages. */
    static String tail(Child child, int lines) {
        try {
            List<String> all = Files.readAllLines(child.log(), StandardCharsets.UTF_8);
            return String.join(System.lineSeparator(), all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** On Ctrl-C or SIGTERM: the children, then anything else this JVM started (a running wrk). */
    private void stopEverything() {
        stopAll();
        ProcessHandle.current().children().forEach(ChildProcesses::stopTree);
    }

    private void stopAll() {
        List<Child> reversed = new ArrayList<>(children);
        Collections.reverse(reversed);
        for (Child child : reversed) {
            stop(child);
        }
    }

    private static void stopTree(ProcessHandle process) {
        List<ProcessHandle> descendants = process.descendants().toList();
        process.destroy();
        try {
            process.onExit().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            process.destroyForcibly();
        }
        for (ProcessHandle d : descendants) {
            if (d.isAlive()) {
                d.destroy();
                try {
                    d.onExit().get(2, TimeUnit.SECONDS);
                } catch (Exception e) {
                    d.destroyForcibly();
                }
            }
        }
    }

    @Override
    public void close() {
        stopAll();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running or has run
        }
        try {
            Files.deleteIfExists(workDir.resolve(PID_FILE));
        } catch (IOException e) {
            // a stale pid file is checked against each process' working directory next time
        }
    }
}
