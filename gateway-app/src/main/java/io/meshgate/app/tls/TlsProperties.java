package io.meshgate.app.tls;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * TLS on the traffic port ({@code meshgate.tls.*}): the certificates it serves, chosen by SNI.
 * Without certificates the traffic port speaks plain HTTP.
 *
 * @param certificates the certificates; the first also serves clients that send no SNI or a name
 *     no certificate claims
 * @param http2 whether ALPN offers {@code h2} before {@code http/1.1}
 * @param redirect the optional plain HTTP listener that redirects to HTTPS
 * @param hsts the optional {@code Strict-Transport-Security} header on HTTPS responses
 */
@ConfigurationProperties("meshgate.tls")
public record TlsProperties(
        List<Certificate> certificates,
        @DefaultValue("true") boolean http2,
        @DefaultValue Redirect redirect,
        @DefaultValue Hsts hsts) {

    public TlsProperties {
        certificates = certificates == null ? List.of() : List.copyOf(certificates);
    }

    /** Whether the traffic port terminates TLS. */
    public boolean enabled() {
        return !certificates.isEmpty();
    }

    /**
     * HTTP Strict Transport Security: browsers that saw it use only HTTPS for the host for {@code
     * maxAge}. Off by default, as in nginx and Envoy: it binds every browser that saw it (and with
     * {@code includeSubDomains} every subdomain) to HTTPS for the whole max-age, which only the site's
     * owner can decide. When on, meshgate's header replaces one an upstream sends, so a response
     * carries exactly one.
     *
     * @param enabled whether HTTPS responses carry the header
     * @param maxAge how long browsers remember it (one year by default, what preload lists require)
     * @param includeSubDomains whether it covers every subdomain too
     * @param preload whether to ask for inclusion in browsers' preload lists (needs {@code
     *     includeSubDomains} and a max-age of at least a year)
     */
    public record Hsts(
            @DefaultValue("false") boolean enabled,
            @DefaultValue("365d") Duration maxAge,
            @DefaultValue("false") boolean includeSubDomains,
            @DefaultValue("false") boolean preload) {

        public Hsts {
            if (maxAge.isNegative()) {
                throw new IllegalArgumentException("meshgate.tls.hsts.max-age must not be negative, was " + maxAge);
            }
            if (enabled && preload && (!includeSubDomains || maxAge.compareTo(Duration.ofDays(365)) < 0)) {
                throw new IllegalArgumentException(
                        "meshgate.tls.hsts.preload needs include-sub-domains: true and a max-age of at least 365d");
            }
        }

        /** The header's value, such as {@code max-age=31536000; includeSubDomains}. */
        public String headerValue() {
            return "max-age=" + maxAge.toSeconds() + (includeSubDomains ? "; includeSubDomains" : "")
                    + (preload ? "; preload" : "");
        }
    }

    /**
     * A plain HTTP listener answering {@code 308} with the HTTPS URL of the same host and path.
     *
     * @param port its port; none (the default) means no such listener
     * @param httpsPort the port in the redirect URL: where clients reach the TLS listener (behind a
     *     Kubernetes Service usually 443, which is left out of the URL)
     */
    public record Redirect(Integer port, @DefaultValue("443") int httpsPort) {}

    /**
     * One certificate and its key, as PEM files (a Kubernetes TLS Secret's {@code tls.crt} and
     * {@code tls.key}).
     *
     * @param name the name in metrics and log lines; the certificate file's name without its
     *     extension unless set
     * @param certificate the certificate chain, leaf first
     * @param privateKey the unencrypted private key (PKCS#8, PKCS#1 RSA or SEC1 EC)
     * @param serverNames the SNI names this certificate serves, wildcards such as {@code
     *     *.example.com} allowed; the certificate's DNS names unless set
     */
    public record Certificate(String name, Path certificate, Path privateKey, List<String> serverNames) {

        public Certificate {
            serverNames = serverNames == null ? List.of() : List.copyOf(serverNames);
        }

        /** The name in metrics and log lines. */
        public String displayName() {
            if (name != null && !name.isBlank()) {
                return name;
            }
            String file = String.valueOf(certificate.getFileName());
            int dot = file.lastIndexOf('.');
            return dot > 0 ? file.substring(0, dot) : file;
        }
    }
}
