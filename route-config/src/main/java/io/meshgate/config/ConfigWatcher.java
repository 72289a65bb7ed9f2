package io.meshgate.config;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Calls back when the route files of a source (a file or a directory) may have changed, so the
 * gateway can reload them. It reacts to file-system events within the debounce time, and compares
 * a cheap fingerprint of the files every second as a safety net; a ConfigMap update (the kubelet
 * swaps a {@code ..data} link), an atomic rename, an in-place rewrite and a delete are all seen
 * within about a second.
 *
 * <p>The callback runs on one daemon thread, {@value #THREAD_NAME}, never concurrently with
 * itself. It may be called when nothing relevant changed (the caller compares {@link
 * RouteConfig#version()}); an exception it throws is logged and the watching goes on.
 */
public final class ConfigWatcher implements AutoCloseable {

    /** The name of the watching thread. */
    public static final String THREAD_NAME = "meshgate-config-watcher";

    /** How long a burst of events is collected before the callback runs. */
    public static final Duration DEFAULT_DEBOUNCE = Duration.ofMillis(100);

    private static final Logger log = LoggerFactory.getLogger(ConfigWatcher.class);
    private static final long RESCAN_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final long CLOSE_WAIT_MILLIS = 2_000;

    private final Path source;
    private final Path directory;
    private final long debounceNanos;
    private final Runnable onChange;
    private final boolean useWatchService;
    private final Thread thread;
    private volatile boolean running;
    private volatile boolean inCallback;
    // Written by start() before the thread starts; set to null only by the thread itself.
    private volatile WatchService watchService;
    private WatchKey watchKey;
    private List<String> fingerprint;

    /** Watches {@code source} with the {@linkplain #DEFAULT_DEBOUNCE default debounce}. */
    public ConfigWatcher(Path source, Runnable onChange) {
        this(source, DEFAULT_DEBOUNCE, onChange);
    }

    /**
     * @param source the file or directory given to {@link RouteConfigLoader#load(Path)}
     * @param debounce how long to wait after the first event of a burst before calling back
     * @param onChange what to do on a change, typically reload
     */
    public ConfigWatcher(Path source, Duration debounce, Runnable onChange) {
        this(source, debounce, onChange, true);
    }

    /** With {@code useWatchService} false only the fingerprint is compared (tests of the safety net). */
    ConfigWatcher(Path source, Duration debounce, Runnable onChange, boolean useWatchService) {
        if (debounce.isNegative()) {
            throw new IllegalArgumentException("debounce must not be negative: " + debounce);
        }
        this.source = source;
        // A file source is watched through its directory: an atomic rename replaces the file, and a
        // watch on the file itself would die with the old one.
        this.directory =
                Files.isDirectory(source) ? source : source.toAbsolutePath().getParent();
        this.debounceNanos = debounce.toNanos();
        this.onChange = onChange;
        this.useWatchService = useWatchService;
        this.thread = new Thread(this::run, THREAD_NAME);
        this.thread.setDaemon(true);
    }

    /**
     * Starts watching. Changes made after this returns are reported.
     *
     * @throws IllegalStateException if started before
     */
    public synchronized void start() {
        if (running || thread.getState() != Thread.State.NEW) {
            throw new IllegalStateException("a ConfigWatcher can be started once");
        }
        if (useWatchService) {
            try {
                watchService = FileSystems.getDefault().newWatchService();
            } catch (IOException e) {
                log.warn("Cannot watch {} for events ({}); checking it every second instead", source, e.toString());
            }
        }
        register();
        fingerprint = SourceFingerprint.of(source);
        running = true;
        thread.start();
    }

    /**
     * Stops watching. A callback already running is not interrupted; this waits up to 2 s for it to
     * finish (so do not hold a lock here that the callback needs). No callback starts afterwards.
     */
    @Override
    public void close() {
        synchronized (this) {
            running = false;
            if (watchService != null) {
                try {
                    watchService.close();
                } catch (IOException e) {
                    log.debug("Closing the watch service of {} failed", source, e);
                }
            }
        }
        if (Thread.currentThread() != thread && thread.isAlive()) {
            // Interrupting a running callback would break its file reads (interruptible channels)
            // and turn a clean shutdown into a failed reload; a waiting thread needs the nudge.
            if (!inCallback) {
                thread.interrupt();
            }
            try {
                thread.join(CLOSE_WAIT_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void run() {
        long nextScan = System.nanoTime() + RESCAN_NANOS;
        long pendingSince = -1;
        while (running) {
            try {
                long now = System.nanoTime();
                long wakeUp = pendingSince >= 0 ? Math.min(nextScan, pendingSince + debounceNanos) : nextScan;
                if (awaitEvents(Math.max(0, wakeUp - now)) && pendingSince < 0) {
                    pendingSince = System.nanoTime();
                }
                now = System.nanoTime();
                if (now - nextScan >= 0) {
                    nextScan = now + RESCAN_NANOS;
                    if (!isRegistered()) {
                        register();
                    }
                    if (!SourceFingerprint.of(source).equals(fingerprint) && pendingSince < 0) {
                        // The fingerprint already differs: no need to wait for more of the burst.
                        pendingSince = now - debounceNanos;
                    }
                }
                if (pendingSince >= 0 && now - (pendingSince + debounceNanos) >= 0) {
                    pendingSince = -1;
                    // Taken before the callback reads the files, so a change during the callback is
                    // seen by the next comparison rather than lost.
                    fingerprint = SourceFingerprint.of(source);
                    notifyChange();
                }
            } catch (InterruptedException e) {
                // close() clears running before it interrupts. Any other interrupt (a flag the
                // callback left set, say) is no reason to stop reloading for good.
                if (running) {
                    log.warn("Config watcher of {} was interrupted; watching goes on", source);
                }
            } catch (ClosedWatchServiceException e) {
                if (running) {
                    log.warn("Watch service of {} closed unexpectedly; checking it every second instead", source);
                    watchService = null;
                }
            } catch (RuntimeException e) {
                log.error("Config watcher of {} failed; watching goes on", source, e);
            }
        }
    }

    /** Waits up to {@code nanos} for file events; whether any relevant event arrived. */
    private boolean awaitEvents(long nanos) throws InterruptedException {
        WatchService service = watchService;
        if (service == null || !isRegistered()) {
            TimeUnit.NANOSECONDS.sleep(Math.min(nanos, RESCAN_NANOS));
            return false;
        }
        WatchKey key = service.poll(nanos, TimeUnit.NANOSECONDS);
        boolean relevant = false;
        while (key != null) {
            for (WatchEvent<?> event : key.pollEvents()) {
                relevant |= isRelevant(event);
            }
            key.reset();
            key = service.poll();
        }
        return relevant;
    }

    private boolean isRelevant(WatchEvent<?> event) {
        if (event.kind() == StandardWatchEventKinds.OVERFLOW) {
            return true;
        }
        if (Files.isDirectory(source)) {
            return true;
        }
        // A file source shares its directory with other files: only its own name and the
        // ConfigMap machinery ("..data", "..2026_11_24_...") concern it.
        String name = String.valueOf(event.context());
        return name.equals(String.valueOf(source.getFileName())) || name.startsWith("..");
    }

    private synchronized boolean isRegistered() {
        return watchKey != null && watchKey.isValid();
    }

    private synchronized void register() {
        if (watchService == null || directory == null) {
            return;
        }
        try {
            watchKey = directory.register(
                    watchService,
                    StandardWatchEventKinds.ENTRY_CREATE,
                    StandardWatchEventKinds.ENTRY_DELETE,
                    StandardWatchEventKinds.ENTRY_MODIFY);
        } catch (IOException | ClosedWatchServiceException e) {
            // The directory may not exist yet; the fingerprint covers it, and we retry every second.
            log.debug("Cannot watch {} for events: {}", directory, e.toString());
        }
    }

    private void notifyChange() {
        // Set before reading running, while close() clears running before reading inCallback: one
        // of the two always sees the other, so a callback is never interrupted by close().
        inCallback = true;
        try {
            if (running) {
                onChange.run();
            }
        } catch (RuntimeException | Error e) {
            // Whatever the callback does wrong, a dead watcher would silently stop all reloads.
            log.error("Handling a change of {} failed; watching goes on", source, e);
        } finally {
            inCallback = false;
        }
    }
}
