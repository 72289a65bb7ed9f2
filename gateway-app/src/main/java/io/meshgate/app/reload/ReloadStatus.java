package io.meshgate.app.reload;

import io.meshgate.config.ConfigError;
import java.time.Instant;
import java.util.List;

/**
 * The outcome of the latest reload that was rejected, kept for the admin endpoint so an operator can
 * see why the files on disk are not what is serving.
 *
 * @param at when the rejected configuration was read
 * @param errors every error, each with file:line:column
 */
public record ReloadStatus(Instant at, List<ConfigError> errors) {

    public ReloadStatus {
        errors = List.copyOf(errors);
    }
}
