package io.meshgate.k8s;

import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.util.Locale;
import java.util.concurrent.TimeoutException;

/** Why a watch failed: the {@code reason} label of {@code meshgate_discovery_errors_total}. */
public enum ErrorReason {
    /** 403: the service account lacks a permission. */
    FORBIDDEN,
    /** 401: the credentials were refused (an expired token, a wrong kubeconfig). */
    UNAUTHORIZED,
    /** The API server could not be reached (connection refused, timeout, DNS). */
    UNREACHABLE,
    /** An established watch was lost and has not come back yet. */
    DISCONNECTED,
    /** Anything else the API server answered. */
    OTHER;

    /** The metric label value: lower case. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Classifies an error from a list or watch call. */
    public static ErrorReason of(Throwable error) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (cause instanceof KubernetesClientException client && client.getCode() > 0) {
                return switch (client.getCode()) {
                    case 403 -> FORBIDDEN;
                    case 401 -> UNAUTHORIZED;
                    default -> OTHER;
                };
            }
            if (cause instanceof IOException || cause instanceof TimeoutException) {
                return UNREACHABLE;
            }
            if (cause.getCause() == cause) {
                break;
            }
        }
        return OTHER;
    }

    /** The status code and message the API server answered, if it answered. */
    static KubernetesClientException apiError(Throwable error) {
        for (Throwable cause = error; cause != null && cause.getCause() != cause; cause = cause.getCause()) {
            if (cause instanceof KubernetesClientException client && client.getCode() > 0) {
                return client;
            }
        }
        return null;
    }
}
