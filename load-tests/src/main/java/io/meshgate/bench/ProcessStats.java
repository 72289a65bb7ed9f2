package io.meshgate.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * Memory and CPU of a process and its descendants, read from {@code /proc}: resident set size
 * ({@code VmRSS}, summed over the tree, so nginx counts master plus worker) and CPU time (user +
 * system). Linux only; elsewhere the values are -1.
 */
final class ProcessStats {

    /** Clock ticks per second of {@code /proc/PID/stat}; 100 on every Linux we run on. */
    private static final long TICKS_PER_SECOND = 100;

    private ProcessStats() {}

    /** Resident set size of the process tree in KiB, or -1 when unreadable. */
    static long rssKib(ProcessHandle process) {
        long total = 0;
        boolean any = false;
        for (ProcessHandle p : tree(process)) {
            long kib = rssKib(p.pid());
            if (kib >= 0) {
                total += kib;
                any = true;
            }
        }
        return any ? total : -1;
    }

    private static long rssKib(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | RuntimeException e) {
            // the process is gone or this is not Linux
        }
        return -1;
    }

    /** CPU time (user + system) of the process tree in milliseconds, or -1 when unreadable. */
    static long cpuMillis(ProcessHandle process) {
        long ticks = 0;
        boolean any = false;
        for (ProcessHandle p : tree(process)) {
            try {
                String stat = Files.readString(Path.of("/proc", Long.toString(p.pid()), "stat"));
                // fields after "(comm)": state is field 3, utime 14, stime 15
                String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                ticks += Long.parseLong(f[11]) + Long.parseLong(f[12]);
                any = true;
            } catch (IOException | RuntimeException e) {
                // gone or not Linux
            }
        }
        return any ? ticks * 1000 / TICKS_PER_SECOND : -1;
    }

    private static Iterable<ProcessHandle> tree(ProcessHandle process) {
        return Stream.concat(Stream.of(process), process.descendants()).toList();
    }

    /** Samples the RSS of a process tree every 250 ms while open, keeping the peak. */
    static final class PeakRss implements AutoCloseable {
        private final AtomicLong peakKib = new AtomicLong(-1);
        private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "bench-rss");
            t.setDaemon(true);
            return t;
        });

        PeakRss(ProcessHandle process) {
            timer.scheduleAtFixedRate(
                    () -> peakKib.accumulateAndGet(rssKib(process), Math::max), 0, 250, TimeUnit.MILLISECONDS);
        }

        long peakKib() {
            return peakKib.get();
        }

        @Override
        public void close() {
            timer.shutdownNow();
        }
    }
}
