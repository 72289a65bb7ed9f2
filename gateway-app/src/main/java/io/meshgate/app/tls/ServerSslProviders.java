package io.meshgate.app.tls;

import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContextBuilder;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.function.Function;
import reactor.netty.http.Http11SslContextSpec;
import reactor.netty.http.Http2SslContextSpec;
import reactor.netty.tcp.SslProvider;

/**
 * Builds the SSL provider of a certificate: TLS 1.3 and 1.2 only; the cipher suites of Netty's
 * {@code Http2SecurityUtil} (ECDHE with AES-GCM or ChaCha20-Poly1305, the ones RFC 7540 and
 * Mozilla's "intermediate" profile allow); ALPN {@code h2} and {@code http/1.1}; OpenSSL
 * (BoringSSL through netty-tcnative) when it is on the class path, the JDK's TLS otherwise.
 */
public final class ServerSslProviders implements Function<PemCertificate, SslProvider> {

    /** The protocol versions offered; TLS 1.1 and older are refused. */
    static final List<String> PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

    private final boolean http2;
    private volatile List<X509Certificate> trustedClientIssuers;

    private ServerSslProviders(boolean http2, List<X509Certificate> trustedClientIssuers) {
        this.http2 = http2;
        this.trustedClientIssuers = List.copyOf(trustedClientIssuers);
    }

    /** For the traffic port: no client certificates asked for. */
    static ServerSslProviders forTraffic(boolean http2) {
        return new ServerSslProviders(http2, List.of());
    }

    /** For the mesh port: a client certificate chaining to one of {@code issuers} is required. */
    public static ServerSslProviders requiringClientCertificates(List<X509Certificate> issuers) {
        if (issuers.isEmpty()) {
            throw new IllegalArgumentException("at least one trusted client CA is needed");
        }
        return new ServerSslProviders(true, issuers);
    }

    /**
     * Trusts other client CAs from now on: providers made after this call (see {@link
     * ServerCertificates#rebuild()}) require client certificates chaining to {@code issuers}.
     */
    public void trust(List<X509Certificate> issuers) {
        if (trustedClientIssuers.isEmpty() || issuers.isEmpty()) {
            throw new IllegalArgumentException("only a listener requiring client certificates changes its CAs");
        }
        trustedClientIssuers = List.copyOf(issuers);
    }

    /** The client CAs trusted now (none on the traffic port). */
    public List<X509Certificate> trustedClientIssuers() {
        return trustedClientIssuers;
    }

    @Override
    public SslProvider apply(PemCertificate certificate) {
        // Both specs bring Http2SecurityUtil.CIPHERS, and pick OpenSSL over the JDK when available.
        var spec = http2
                ? Http2SslContextSpec.forServer(certificate.privateKey(), certificate.chain())
                        .configure(this::configure)
                : Http11SslContextSpec.forServer(certificate.privateKey(), certificate.chain())
                        .configure(this::configure);
        return SslProvider.builder().sslContext(spec).build();
    }

    private void configure(SslContextBuilder builder) {
        builder.protocols(PROTOCOLS);
        if (!trustedClientIssuers.isEmpty()) {
            builder.clientAuth(ClientAuth.REQUIRE).trustManager(trustedClientIssuers);
        }
    }

    /** Which TLS implementation serves, for the start-up log line. */
    public static String implementation() {
        return OpenSsl.isAvailable() ? "OpenSSL (" + OpenSsl.versionString() + ")" : "JDK";
    }
}
