package io.meshgate.app.reload;

import io.meshgate.config.ConfigException;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Turns an invalid route configuration at start into a short report instead of a stack trace. */
public final class StartupFailureAnalyzer extends AbstractFailureAnalyzer<ConfigException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, ConfigException cause) {
        return new FailureAnalysis(
                "meshgate cannot start: the route configuration is invalid.\n" + cause.getMessage(),
                "Fix the errors above (each names file:line:column) and start again. "
                        + "The JSON Schema route-config/src/main/resources/io/meshgate/config/meshgate-routes.schema.json "
                        + "lets your editor check route files as you type.",
                cause);
    }
}
