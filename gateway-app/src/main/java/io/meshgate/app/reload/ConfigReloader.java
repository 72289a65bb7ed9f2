package io.meshgate.app.reload;

import io.meshgate.app.routing.ActiveRoutes;
import io.meshgate.app.routing.RouteCompiler;
import io.meshgate.app.routing.RouteTable;
import io.meshgate.config.ConfigException;
import io.meshgate.config.ConfigWatcher;
import io.meshgate.config.RouteConfig;
import io.meshgate.config.RouteConfigLoader;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Keeps the active routes in step with the route files: loads and compiles them at start (a bad
 * configuration then stops the start), and on every change of the files afterwards. A rejected
 * change leaves the last good configuration serving; the error is logged with file:line:column,
 * counted in {@code meshgate_config_reloads_total{result="rejected"}} and kept for the admin
 * endpoint.
 */
public final class ConfigReloader implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(ConfigReloader.class);

    private final Path source;
    private final RouteCompiler compiler;
    private final ActiveRoutes active;
    private final Clock clock;
    private final Counter applied;
    private final Counter rejected;
    private final MeterRegistry meters;
    private Gauge activeVersion;
    private final AtomicReference<ReloadStatus> lastRejection = new AtomicReference<>();
    private volatile boolean lastSucceeded = true;
    private volatile ConfigWatcher watcher;

    public ConfigReloader(Path source, RouteCompiler compiler, ActiveRoutes active, MeterRegistry meters, Clock clock)
            throws ConfigException {
        this.source = source;
        this.compiler = compiler;
        this.active = active;
        this.clock = clock;
        this.meters = meters;
        this.applied = reloads(meters, "applied");
        this.rejected = reloads(meters, "rejected");
        Gauge.builder("meshgate.config.last.reload.successful", () -> lastSucceeded ? 1 : 0)
                .description("1 if the latest reload of the route files was applied, 0 if it was rejected")
                .register(meters);
        Gauge.builder(
                        "meshgate.config.loaded.timestamp",
                        () -> active.current().loadedAt().getEpochSecond())
                .description("When the active configuration was loaded, in seconds since the epoch")
                .baseUnit("seconds")
                .register(meters);
        // The first load has no last good configuration to fall back on: fail the start.
        RouteTable first = compiler.compile(RouteConfigLoader.load(source));
        active.activate(first);
        compiler.activated(first);
        publishVersion(first);
        log.info(
                "Serving route configuration {} from {}: {} routes, {} upstreams",
                first.version(),
                source,
                first.routes().size(),
                first.upstreams().size());
    }

    private static Counter reloads(MeterRegistry meters, String result) {
        return Counter.builder("meshgate.config.reloads")
                .description("Reloads of the route files by result (applied or rejected)")
                .tag("result", result)
                .register(meters);
    }

    /**
     * {@code meshgate_config_active{version}} is 1 for the active configuration's version (a content
     * hash) and has no other series, so a dashboard shows which version each instance serves and
     * whether replicas disagree. Called under the reload lock (or from the constructor).
     */
    private void publishVersion(RouteTable table) {
        Gauge previous = activeVersion;
        activeVersion = Gauge.builder("meshgate.config.active", () -> 1)
                .description("1 for the version (content hash) of the active route configuration")
                .tag("version", table.version())
                .register(meters);
        if (previous != null && !previous.getId().equals(activeVersion.getId())) {
            meters.remove(previous);
        }
    }

    /** Reads the files again and applies them if they are valid and changed. */
    public synchronized void reload() {
        RouteTable current = active.current();
        try {
            RouteConfig config = RouteConfigLoader.load(source);
            if (config.version().equals(current.version())) {
                lastSucceeded = true;
                return;
            }
            RouteTable next = compiler.compile(config);
            active.activate(next);
            compiler.activated(next);
            publishVersion(next);
            lastSucceeded = true;
            applied.increment();
            log.info(
                    "Applied route configuration {} (was {}): {} routes, {} upstreams",
                    next.version(),
                    current.version(),
                    next.routes().size(),
                    next.upstreams().size());
        } catch (ConfigException e) {
            lastSucceeded = false;
            rejected.increment();
            lastRejection.set(new ReloadStatus(clock.instant(), e.errors()));
            log.error(
                    "Rejected a change of {}; still serving configuration {}. {}",
                    source,
                    current.version(),
                    e.getMessage());
        } catch (RuntimeException e) {
            // Never let a surprise kill the watcher: the last good configuration keeps serving.
            lastSucceeded = false;
            rejected.increment();
            log.error("Reload of {} failed; still serving configuration {}", source, current.version(), e);
        }
    }

    public Path source() {
        return source;
    }

    /** The latest rejected reload, or null if none was rejected since start. */
    public ReloadStatus lastRejection() {
        return lastRejection.get();
    }

    public boolean lastSucceeded() {
        return lastSucceeded;
    }

    public long appliedCount() {
        return (long) applied.count();
    }

    public long rejectedCount() {
        return (long) rejected.count();
    }

    @Override
    public void start() {
        ConfigWatcher started = new ConfigWatcher(source, this::reload);
        started.start();
        watcher = started;
    }

    @Override
    public void stop() {
        // Not under the reload lock: close() waits for a running reload, which needs that lock.
        ConfigWatcher stopping = watcher;
        watcher = null;
        if (stopping != null) {
            stopping.close();
        }
    }

    @Override
    public boolean isRunning() {
        return watcher != null;
    }
}
