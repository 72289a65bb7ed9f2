package io.meshgate.route;

import io.meshgate.balance.FailureKind;
import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.timeout.ReadTimeoutException;
import java.net.ConnectException;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLException;
import org.springframework.http.HttpStatus;
import org.springframework.web.server.ResponseStatusException;

/**
 * How a failed upstream attempt is answered, the same on both request paths: a connection that
 * could not be made is 503 (the request never reached the upstream), no response within the route
 * timeout is 504, any other failure (a reset, a malformed response) is 502. The body names the
 * upstream and the endpoint, so the 3 a.m. reader knows where to look.
 *
 * @param status the HTTP status the client gets
 * @param reason one line for the body
 */
public record UpstreamFailure(HttpStatus status, String reason) {

    public static UpstreamFailure of(Throwable error, long timeoutMillis) {
        if (error instanceof ReadTimeoutException
                || error instanceof TimeoutException
                || error instanceof ResponseStatusException rse && rse.getStatusCode() == HttpStatus.GATEWAY_TIMEOUT) {
            return new UpstreamFailure(
                    HttpStatus.GATEWAY_TIMEOUT, "no response within the route timeout " + timeoutMillis + "ms");
        }
        if (error instanceof ConnectException || error instanceof ConnectTimeoutException) {
            return new UpstreamFailure(HttpStatus.SERVICE_UNAVAILABLE, "cannot connect: " + error.getMessage());
        }
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (cause instanceof SSLException tls) {
                // The upstream's certificate (or name) was not trusted, or it refused ours.
                return new UpstreamFailure(HttpStatus.BAD_GATEWAY, "TLS handshake failed: " + rootMessage(tls));
            }
        }
        return new UpstreamFailure(HttpStatus.BAD_GATEWAY, "upstream failed: " + error);
    }

    /** The innermost message (OpenSSL's own is generic; the trust manager's names the problem). */
    private static String rootMessage(Throwable error) {
        String message = error.getMessage();
        for (Throwable cause = error.getCause(); cause != null; cause = cause.getCause()) {
            if (cause.getMessage() != null) {
                message = cause.getMessage();
            }
        }
        return message;
    }

    /** No response headers within the route's per-try timeout (the attempt was not retried). */
    public static UpstreamFailure perTryTimeout(long perTryTimeoutMillis) {
        return new UpstreamFailure(
                HttpStatus.GATEWAY_TIMEOUT, "no response within the per-try timeout " + perTryTimeoutMillis + "ms");
    }

    /** What the failure tells the upstream's balancer and outlier detection. */
    public FailureKind kind() {
        return switch (status) {
            case GATEWAY_TIMEOUT -> FailureKind.TIMEOUT;
            case SERVICE_UNAVAILABLE -> FailureKind.CONNECT;
            default -> FailureKind.RESET;
        };
    }

    /** The response body: {@code upstream 'orders' endpoint 10.0.0.7:8080: cannot connect: ...}. */
    public String body(String upstream, String endpoint) {
        return "upstream '" + upstream + "' endpoint " + endpoint + ": " + reason + "\n";
    }
}
