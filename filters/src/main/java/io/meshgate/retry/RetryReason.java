package io.meshgate.retry;

import io.meshgate.balance.FailureKind;

/** Why an attempt is retried: the {@code reason} label of {@code meshgate_retries_total}. */
public enum RetryReason {
    CONNECT_FAILURE("connect-failure"),
    RESET("reset"),
    PER_TRY_TIMEOUT("per-try-timeout"),
    STATUS("status");

    private final String label;

    RetryReason(String label) {
        this.label = label;
    }

    /** As written in route files, metric labels and span tags: {@code connect-failure}. */
    public String label() {
        return label;
    }

    /** The reason for a failure without a response. */
    public static RetryReason of(FailureKind kind) {
        return switch (kind) {
            case CONNECT -> CONNECT_FAILURE;
            case RESET -> RESET;
            case TIMEOUT -> PER_TRY_TIMEOUT;
        };
    }
}
