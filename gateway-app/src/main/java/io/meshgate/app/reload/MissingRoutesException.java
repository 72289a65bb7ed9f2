package io.meshgate.app.reload;

/** Neither {@code meshgate.routes} nor the quickstart says where the route files are. */
public final class MissingRoutesException extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    public MissingRoutesException() {
        super("meshgate.routes is not set");
    }
}
