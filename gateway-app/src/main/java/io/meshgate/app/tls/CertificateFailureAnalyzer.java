package io.meshgate.app.tls;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Names the certificate file that keeps the TLS listener from starting, and why, without a stack trace. */
public final class CertificateFailureAnalyzer extends AbstractFailureAnalyzer<CertificateRejectedException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, CertificateRejectedException cause) {
        return new FailureAnalysis(
                "meshgate cannot start: a TLS certificate cannot be served: " + cause.getMessage(),
                "Fix the file, or point meshgate.tls.certificates[n].certificate and .private-key at an "
                        + "unencrypted PEM certificate chain (leaf first) and its private key, valid now.",
                cause);
    }
}
