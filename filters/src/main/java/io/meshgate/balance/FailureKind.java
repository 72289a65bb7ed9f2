package io.meshgate.balance;

/**
 * Why an attempt ended without a response status. Every kind counts as a failure for outlier
 * detection and for the latency-aware balancers' penalty.
 */
public enum FailureKind {
    /** The connection to the endpoint could not be made (refused, unreachable, connect timeout). */
    CONNECT,
    /** The connection was reset or closed before the response headers arrived. */
    RESET,
    /** No response headers within the attempt's timeout. */
    TIMEOUT
}
