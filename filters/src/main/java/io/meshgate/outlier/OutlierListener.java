package io.meshgate.outlier;

import java.time.Duration;

/**
 * Told of every ejection and return, for metrics (bind it to Micrometer counters) or an admin view.
 * Called on the thread that saw the failure or the expiry, under the upstream's lock: keep it short
 * and never block.
 */
public interface OutlierListener {

    /** An endpoint was taken out of rotation. */
    default void ejected(String upstream, String endpoint, int consecutiveFailures, Duration ejectionTime) {}

    /** An ejected endpoint's time was up and it takes traffic again. */
    default void returned(String upstream, String endpoint, Duration ejectedFor) {}

    /** An endpoint reached the failure threshold but was kept because of {@code maxEjectedPercent}. */
    default void ejectionSkipped(String upstream, String endpoint, int consecutiveFailures) {}

    /** Listens to nothing. */
    OutlierListener NONE = new OutlierListener() {};
}
