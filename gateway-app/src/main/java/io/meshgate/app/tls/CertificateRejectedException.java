package io.meshgate.app.tls;

import java.nio.file.Path;

/** A certificate or key file that cannot be served, with the file and the reason. */
public final class CertificateRejectedException extends Exception {

    private static final long serialVersionUID = 1L;

    private final transient Path file;
    private final String reason;

    public CertificateRejectedException(Path file, String reason) {
        this(file, reason, null);
    }

    CertificateRejectedException(Path file, String reason, Throwable cause) {
        super(file + ": " + reason, cause);
        this.file = file;
        this.reason = reason;
    }

    /** The file at fault. */
    public Path file() {
        return file;
    }

    /** What is wrong with it. */
    public String reason() {
        return reason;
    }
}
