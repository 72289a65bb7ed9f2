package io.meshgate.app.tls;

import io.meshgate.config.ConfigWatcher;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.netty.tcp.SslProvider;

/**
 * The certificates the TLS listener serves, kept in step with their files: a change is read,
 * checked ({@link PemCertificate}) and, if good, served to new handshakes; a bad one is logged
 * once with the file and the reason and the certificate before it keeps serving. Established
 * connections keep the certificate they were made with.
 *
 * <p>Metrics: {@code meshgate_tls_certificate_expiry_seconds{name}} (the served certificate's
 * notAfter, epoch seconds) and {@code meshgate_tls_certificate_reloads_total{name,result}} with
 * {@code result} {@code success} or {@code rejected}.
 */
public final class ServerCertificates implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ServerCertificates.class);
    /** What a reload that could not read the files remembers as their content. */
    private static final byte[] UNREADABLE = new byte[0];

    private final List<TlsProperties.Certificate> sources;
    private final Function<PemCertificate, SslProvider> providers;
    private final Clock clock;
    private final PemCertificate[] served;
    private final SslProvider[] servedProviders;
    // The files of the last rejected attempt: the certificate's and the key's watcher both call
    // back for one Secret update, and one bad update is logged and counted once.
    private final byte[][] rejectedContent;
    private final Counter[] successes;
    private final Counter[] rejections;
    // Not guarded by this: close() waits for a running callback, which takes this lock to reload.
    private final List<ConfigWatcher> watchers = new CopyOnWriteArrayList<>();
    private volatile SniTable<SslProvider> table;

    /**
     * Reads every certificate; the listener cannot start without all of them.
     *
     * @param providers builds the SSL provider (protocols, ciphers, ALPN) of a certificate
     * @throws CertificateRejectedException for the first certificate that cannot be served
     */
    public ServerCertificates(
            List<TlsProperties.Certificate> sources,
            Function<PemCertificate, SslProvider> providers,
            MeterRegistry meters,
            Clock clock)
            throws CertificateRejectedException {
        this.sources = List.copyOf(sources);
        this.providers = providers;
        this.clock = clock;
        int count = sources.size();
        this.served = new PemCertificate[count];
        this.servedProviders = new SslProvider[count];
        this.rejectedContent = new byte[count][];
        this.successes = new Counter[count];
        this.rejections = new Counter[count];
        for (int i = 0; i < count; i++) {
            TlsProperties.Certificate source = this.sources.get(i);
            served[i] = PemCertificate.read(source, clock.instant());
            servedProviders[i] = provider(served[i]);
            String name = source.displayName();
            int index = i;
            Gauge.builder("meshgate.tls.certificate.expiry", this, self -> self.expiryEpochSeconds(index))
                    .description("End of validity (notAfter) of the served certificate, epoch seconds")
                    .baseUnit("seconds")
                    .tag("name", name)
                    .register(meters);
            successes[i] = reloads(meters, name, "success");
            rejections[i] = reloads(meters, name, "rejected");
            log.info(
                    "TLS certificate '{}' from {}: {}, serves {}, valid until {}",
                    name,
                    source.certificate(),
                    served[i].leaf().getSubjectX500Principal().getName(),
                    served[i].serverNames(),
                    served[i].notAfter());
        }
        this.table = buildTable();
    }

    /** Starts watching the files; a change is served within about a second. */
    public void watch() {
        Map<Path, List<Integer>> users = new LinkedHashMap<>();
        for (int i = 0; i < sources.size(); i++) {
            users.computeIfAbsent(sources.get(i).certificate().toAbsolutePath(), file -> new ArrayList<>())
                    .add(i);
            users.computeIfAbsent(sources.get(i).privateKey().toAbsolutePath(), file -> new ArrayList<>())
                    .add(i);
        }
        users.forEach((file, indexes) -> {
            ConfigWatcher watcher = new ConfigWatcher(file, () -> indexes.forEach(this::reload));
            watcher.start();
            watchers.add(watcher);
        });
    }

    /** The SSL provider for a handshake's SNI name ({@code null}: none sent). Once per handshake. */
    public SslProvider select(String serverName) {
        return table.select(serverName);
    }

    /** The SSL provider of the first certificate. */
    public SslProvider fallback() {
        return table.fallback();
    }

    /** The certificates being served, in configuration order. */
    public synchronized List<PemCertificate> served() {
        return List.of(served.clone());
    }

    /**
     * Reads certificate {@code index} again and serves it if it changed and is good.
     *
     * @return whether a new certificate is now served
     */
    public synchronized boolean reload(int index) {
        TlsProperties.Certificate source = sources.get(index);
        String name = source.displayName();
        byte[] content = UNREADABLE;
        PemCertificate next;
        SslProvider provider;
        try {
            content = PemCertificate.readContent(source);
            if (served[index].sameContent(content)) {
                return false;
            }
            next = PemCertificate.read(source, clock.instant());
            provider = provider(next);
        } catch (CertificateRejectedException e) {
            if (Arrays.equals(content, rejectedContent[index])) {
                return false; // the same bad files as last time: already logged and counted
            }
            rejectedContent[index] = content;
            rejections[index].increment();
            log.warn(
                    "TLS certificate '{}' not reloaded: {}: {}; still serving the one valid until {}",
                    name,
                    e.file(),
                    e.reason(),
                    served[index].notAfter());
            return false;
        }
        rejectedContent[index] = null;
        served[index] = next;
        servedProviders[index] = provider;
        table = buildTable();
        successes[index].increment();
        log.info(
                "TLS certificate '{}' reloaded from {}: {}, serves {}, valid until {}",
                name,
                source.certificate(),
                next.leaf().getSubjectX500Principal().getName(),
                next.serverNames(),
                next.notAfter());
        return true;
    }

    /**
     * Makes the SSL providers of the served certificates again, for a change of how they are built
     * (a new trusted client CA); new handshakes get them, established connections keep theirs.
     *
     * @throws CertificateRejectedException if a certificate cannot be served that way; nothing changes
     */
    public synchronized void rebuild() throws CertificateRejectedException {
        SslProvider[] rebuilt = new SslProvider[served.length];
        for (int i = 0; i < served.length; i++) {
            rebuilt[i] = provider(served[i]);
        }
        System.arraycopy(rebuilt, 0, servedProviders, 0, rebuilt.length);
        table = buildTable();
    }

    @Override
    public void close() {
        for (ConfigWatcher watcher : watchers) {
            watcher.close();
            watchers.remove(watcher);
        }
    }

    private SslProvider provider(PemCertificate certificate) throws CertificateRejectedException {
        try {
            return providers.apply(certificate);
        } catch (RuntimeException e) {
            // Netty refuses what the checks before let through, such as an unsupported key type.
            throw new CertificateRejectedException(
                    certificate.source().certificate(), "cannot be served: " + e.getMessage(), e);
        }
    }

    private SniTable<SslProvider> buildTable() {
        List<SniTable.Entry<SslProvider>> entries = new ArrayList<>();
        for (int i = 0; i < served.length; i++) {
            entries.add(new SniTable.Entry<>(served[i].serverNames(), servedProviders[i]));
        }
        return SniTable.of(entries);
    }

    private synchronized double expiryEpochSeconds(int index) {
        return served[index].notAfter().getEpochSecond();
    }

    private static Counter reloads(MeterRegistry meters, String name, String result) {
        return Counter.builder("meshgate.tls.certificate.reloads")
                .description("Reloads of a TLS certificate after its files changed, by result")
                .tag("name", name)
                .tag("result", result)
                .register(meters);
    }
}
