package io.meshgate.app.edge;

import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Which peers may tell meshgate who the client is ({@code meshgate.forwarded.*}).
 *
 * @param trustedProxies CIDRs ({@code 10.0.0.0/8}, {@code 127.0.0.1/32}, {@code ::1/128}; a bare
 *     address means just that one) of the proxies in front of meshgate whose {@code
 *     X-Forwarded-*} and {@code Forwarded} headers are kept and appended to; from any other peer
 *     they are replaced. None by default: every client's are replaced.
 */
@ConfigurationProperties("meshgate.forwarded")
public record ForwardedProperties(List<String> trustedProxies) {

    public ForwardedProperties {
        trustedProxies = trustedProxies == null ? List.of() : List.copyOf(trustedProxies);
    }
}
