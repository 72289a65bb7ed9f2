package io.meshgate.balance;

/**
 * Where an upstream's attempts are recorded once their result is known (the upstream's request
 * metrics): called by {@link UpstreamPool} from {@link Lease#complete}, {@link Lease#fail} and
 * {@link Lease#cancel}, so both request paths report through the one place every attempt ends.
 * Implementations run on the request path: no allocation, no lookups, no blocking.
 */
public interface AttemptRecorder {

    /** Records nothing: the default of a pool built without metrics. */
    AttemptRecorder NONE = new AttemptRecorder() {
        @Override
        public void responded(int status, long nanos) {}

        @Override
        public void failed(FailureKind kind, long nanos) {}

        @Override
        public void cancelled(long nanos) {}
    };

    /** The upstream's response headers arrived with this status, {@code nanos} after the acquire. */
    void responded(int status, long nanos);

    /** The attempt ended without response headers. */
    void failed(FailureKind kind, long nanos);

    /** The attempt was abandoned before a verdict (the client went away). */
    void cancelled(long nanos);
}
