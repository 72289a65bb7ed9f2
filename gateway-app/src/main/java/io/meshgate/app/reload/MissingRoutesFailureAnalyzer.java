package io.meshgate.app.reload;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Explains how to point meshgate at its route files when nothing says where they are. */
public final class MissingRoutesFailureAnalyzer extends AbstractFailureAnalyzer<MissingRoutesException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, MissingRoutesException cause) {
        return new FailureAnalysis(
                "meshgate cannot start: no route files are configured.",
                "Start with --meshgate.routes=<file or directory of .yaml route files>, "
                        + "or try the demo with --spring.profiles.active=quickstart.",
                cause);
    }
}
