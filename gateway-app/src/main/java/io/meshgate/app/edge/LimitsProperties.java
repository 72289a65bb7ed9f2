package io.meshgate.app.edge;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Limits every listener (traffic, TLS, mesh) puts on what a client may send ({@code
 * meshgate.limits.*}). Defaults follow Envoy's and nginx's edge defaults.
 *
 * @param maxUriLength the longest request line (method, URI, version); longer: 414
 * @param maxHeaderSize the most bytes all request headers together may take; more: 431
 * @param maxHeaderCount the most request header fields; more: 431
 * @param maxBodySize the largest request body, by {@code Content-Length} up front or counted as a
 *     chunked body streams; larger: 413 and the connection closed; a negative size means no limit
 * @param headerReadTimeout how long a client may take from the first byte of a request to the end
 *     of its headers (slowloris); slower: 408 and the connection closed
 * @param bodyReadTimeout the longest pause between two reads of a request body; longer: 408 if
 *     no response started, else the connection closed
 * @param idleTimeout how long a keep-alive connection may wait for its next request
 */
@ConfigurationProperties("meshgate.limits")
public record LimitsProperties(
        @DefaultValue("8KB") DataSize maxUriLength,
        @DefaultValue("32KB") DataSize maxHeaderSize,
        @DefaultValue("100") int maxHeaderCount,
        @DefaultValue("10MB") DataSize maxBodySize,
        @DefaultValue("10s") Duration headerReadTimeout,
        @DefaultValue("60s") Duration bodyReadTimeout,
        @DefaultValue("60s") Duration idleTimeout) {

    public LimitsProperties {
        requirePositive(maxUriLength.toBytes(), "meshgate.limits.max-uri-length");
        requirePositive(maxHeaderSize.toBytes(), "meshgate.limits.max-header-size");
        requirePositive(maxHeaderCount, "meshgate.limits.max-header-count");
        requirePositive(headerReadTimeout.toMillis(), "meshgate.limits.header-read-timeout");
        requirePositive(bodyReadTimeout.toMillis(), "meshgate.limits.body-read-timeout");
        requirePositive(idleTimeout.toMillis(), "meshgate.limits.idle-timeout");
    }

    private static void requirePositive(long value, String property) {
        if (value <= 0) {
            throw new IllegalArgumentException(property + " must be positive, was " + value);
        }
    }

    /** The body limit in bytes; -1 for none. */
    long maxBodyBytes() {
        return maxBodySize.toBytes() < 0 ? -1 : maxBodySize.toBytes();
    }
}
