package io.meshgate.retry;

import io.meshgate.balance.FailureKind;

/** Why an attempt is retried: the {@code reason} label of {@code meshgate_retries_total}. */
public enum RetryReason {
    CONNECT_FAILURE,
    RESET,
    PER_TRY_TIMEOUT,
    STATUS;

    /** The reason for a failure without a response. */
    public static RetryReason of(FailureKind kind) {
        return switch (kind) {
            case CONNECT -> CONNECT_FAILURE;
            case RESET -> RESET;
            case TIMEOUT -> PER_TRY_TIMEOUT;
        };
    }
}
