package io.meshgate.app.accesslog;

import java.nio.file.Path;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Access log settings ({@code meshgate.access-log.*}).
 *
 * @param enabled one JSON line per request on the traffic port; on by default
 * @param file a file to append the lines to; unset: standard output, beside the application log
 * @param queueSize lines held for the writer thread; when it is full, lines are dropped (and
 *     counted in {@code meshgate_access_log_dropped_total}) rather than stalling the event loop
 */
@ConfigurationProperties("meshgate.access-log")
public record AccessLogProperties(
        @DefaultValue("true") boolean enabled, Path file, @DefaultValue("8192") int queueSize) {}
