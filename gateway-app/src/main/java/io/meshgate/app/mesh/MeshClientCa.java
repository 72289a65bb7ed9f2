package io.meshgate.app.mesh;

import io.meshgate.app.tls.CertificateRejectedException;
import io.meshgate.app.tls.PemCertificate;
import io.meshgate.app.tls.ServerCertificates;
import io.meshgate.app.tls.ServerSslProviders;
import io.meshgate.config.ConfigWatcher;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The mesh listener's trusted client CA file, kept in step with the file like the server
 * certificates: a change is read and checked (PEM certificates, each a CA, valid now) and, if good,
 * trusted by new handshakes; a bad one is logged once with the file and the reason, counted, and the
 * CAs before it stay trusted. Established connections are not affected. Metric: {@code
 * meshgate_tls_certificate_reloads_total{name="mesh-client-ca",result}}.
 */
final class MeshClientCa implements AutoCloseable {

    static final String NAME = "mesh-client-ca";

    private static final Logger log = LoggerFactory.getLogger(MeshClientCa.class);

    private final Path file;
    private final ServerSslProviders providers;
    private final ServerCertificates certificates;
    private final Clock clock;
    private final Counter successes;
    private final Counter rejections;
    private ConfigWatcher watcher;
    private byte[] content; // guarded by this
    private byte[] rejectedContent; // guarded by this
    private List<X509Certificate> trusted; // guarded by this

    MeshClientCa(
            Path file,
            List<X509Certificate> trusted,
            ServerSslProviders providers,
            ServerCertificates certificates,
            MeterRegistry meters,
            Clock clock) {
        this.file = file;
        this.trusted = trusted;
        this.providers = providers;
        this.certificates = certificates;
        this.clock = clock;
        this.content = read(file);
        this.successes = reloads(meters, "success");
        this.rejections = reloads(meters, "rejected");
    }

    /** Starts watching the file; a change is trusted within about a second. */
    synchronized void watch() {
        watcher = new ConfigWatcher(file, this::reload);
        watcher.start();
    }

    /**
     * Reads the file again and trusts its CAs if it changed and is good.
     *
     * @return whether other CAs are now trusted
     */
    synchronized boolean reload() {
        byte[] next = read(file);
        if (Arrays.equals(next, content)) {
            return false;
        }
        List<X509Certificate> issuers;
        try {
            issuers = checked(PemCertificate.readCertificates(file));
            providers.trust(issuers);
            certificates.rebuild();
        } catch (CertificateRejectedException e) {
            providers.trust(trusted);
            if (Arrays.equals(next, rejectedContent)) {
                return false; // the same bad file as last time: already logged and counted
            }
            rejectedContent = next;
            rejections.increment();
            log.warn("Mesh client CA not reloaded: {}: {}; still trusting {}", e.file(), e.reason(), subjects(trusted));
            return false;
        }
        content = next;
        rejectedContent = null;
        trusted = issuers;
        successes.increment();
        log.info("Mesh client CA reloaded from {}: trusting {}", file, subjects(issuers));
        return true;
    }

    private List<X509Certificate> checked(List<X509Certificate> issuers) throws CertificateRejectedException {
        Date now = Date.from(clock.instant());
        for (X509Certificate issuer : issuers) {
            String subject = issuer.getSubjectX500Principal().getName();
            if (issuer.getBasicConstraints() < 0) {
                throw rejected("'" + subject + "' is not a CA certificate (no basicConstraints CA:true)");
            }
            try {
                issuer.checkValidity(now);
            } catch (CertificateExpiredException e) {
                throw rejected(
                        "'" + subject + "' expired at " + issuer.getNotAfter().toInstant());
            } catch (CertificateNotYetValidException e) {
                throw rejected("'" + subject + "' is not valid before "
                        + issuer.getNotBefore().toInstant());
            }
        }
        return issuers;
    }

    private CertificateRejectedException rejected(String reason) {
        return new CertificateRejectedException(file, reason);
    }

    @Override
    public synchronized void close() {
        if (watcher != null) {
            watcher.close();
        }
    }

    private static List<String> subjects(List<X509Certificate> issuers) {
        return issuers.stream()
                .map(issuer -> issuer.getSubjectX500Principal().getName())
                .toList();
    }

    private static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            return new byte[0]; // reported by the reload that tries to parse it
        }
    }

    private static Counter reloads(MeterRegistry meters, String result) {
        return Counter.builder("meshgate.tls.certificate.reloads")
                .description("Reloads of a TLS certificate after its files changed, by result")
                .tag("name", NAME)
                .tag("result", result)
                .register(meters);
    }
}
