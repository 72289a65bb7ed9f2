package io.meshgate.app.upstream;

import io.meshgate.config.ConfigError;
import io.meshgate.config.ConfigException;
import io.meshgate.config.UpstreamProtocol;
import io.meshgate.config.UpstreamTls;
import io.meshgate.config.UpstreamTransport;
import io.meshgate.transport.UpstreamClient;
import io.netty.handler.codec.http2.Http2SecurityUtil;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SupportedCipherSuiteFilter;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.netty.http.HttpProtocol;
import reactor.netty.http.client.HttpClient;

/**
 * Builds the HTTP clients of the upstreams that speak TLS, h2c or h2, each from the gateway's shared
 * client (so it keeps its connect timeout and connection pool settings) with the upstream's protocol
 * and TLS. A client is built once per configuration and kept by the next one while the upstream's
 * {@link UpstreamTransport} settings (wherever they are written) and its PEM files (size, modification
 * time) are unchanged, so a reload neither re-reads them nor
 * drops the upstream's warm connections. Unreadable or invalid PEM files are a configuration error
 * naming the upstream's {@code tls} in its route file; the configuration serving now keeps serving.
 */
public final class UpstreamClients {

    private static final Logger log = LoggerFactory.getLogger(UpstreamClients.class);

    /** The clients built for one configuration, by transport, with the files they were built from. */
    public static final class Built {
        static final Built NONE = new Built(Map.of());

        private final Map<Key, Entry> clients;

        private Built(Map<Key, Entry> clients) {
            this.clients = Map.copyOf(clients);
        }

        /** How many distinct clients the configuration has (one per distinct transport). */
        public int size() {
            return clients.size();
        }
    }

    private record Entry(UpstreamClient client, List<FileStamp> files) {}

    /** A transport's settings without where they are written: moving an upstream keeps its client. */
    private record Key(
            UpstreamProtocol protocol, Path ca, Path cert, Path key, String serverName, boolean insecureSkipVerify) {
        static Key of(UpstreamTransport transport) {
            UpstreamTls tls = transport.tls();
            return tls == null
                    ? new Key(transport.protocol(), null, null, null, null, false)
                    : new Key(
                            transport.protocol(),
                            tls.ca(),
                            tls.cert(),
                            tls.key(),
                            tls.serverName(),
                            tls.insecureSkipVerify());
        }
    }

    /** What a PEM file looked like when it was read: a change of either means read it again. */
    private record FileStamp(Path path, long size, long modified) {
        static FileStamp of(Path path) {
            try {
                return new FileStamp(
                        path, Files.size(path), Files.getLastModifiedTime(path).toMillis());
            } catch (IOException e) {
                return new FileStamp(path, -1, -1);
            }
        }
    }

    private final HttpClient shared;

    public UpstreamClients(HttpClient shared) {
        this.shared = shared;
    }

    /** Builds (or keeps from {@code previous}) the clients a configuration's transports need. */
    final class Session {
        private final Built previous;
        private final Map<Key, Entry> built = new HashMap<>();
        private final List<ConfigError> errors = new ArrayList<>();

        Session(Built previous) {
            this.previous = previous == null ? Built.NONE : previous;
        }

        /** The client of an upstream with this transport, or null for plain HTTP/1.1 or an error. */
        UpstreamClient client(String upstream, UpstreamTransport transport) {
            if (transport.isPlain()) {
                return null;
            }
            Key key = Key.of(transport);
            Entry entry = built.get(key);
            if (entry == null) {
                entry = reused(key, transport);
                if (entry == null) {
                    entry = build(upstream, transport);
                    if (entry == null) {
                        return null;
                    }
                }
                built.put(key, entry);
            }
            return entry.client();
        }

        private Entry reused(Key key, UpstreamTransport transport) {
            Entry old = previous.clients.get(key);
            return old != null && old.files().equals(stamps(transport.tls())) ? old : null;
        }

        private Entry build(String upstream, UpstreamTransport transport) {
            UpstreamTls tls = transport.tls();
            List<FileStamp> files = stamps(tls);
            try {
                UpstreamClient client = create(transport);
                if (tls != null && tls.insecureSkipVerify()) {
                    log.warn(
                            "Upstream '{}' ({}) trusts any certificate (tls.insecureSkipVerify): for testing only",
                            upstream,
                            tls.location());
                }
                return new Entry(client, files);
            } catch (IOException | RuntimeException e) {
                errors.add(new ConfigError(tls.location(), "upstream '" + upstream + "' tls: " + describe(tls, e)));
                return null;
            }
        }

        Built finish() throws ConfigException {
            if (!errors.isEmpty()) {
                throw new ConfigException(errors);
            }
            return new Built(built);
        }
    }

    Session session(Built previous) {
        return new Session(previous);
    }

    private UpstreamClient create(UpstreamTransport transport) throws IOException {
        UpstreamTls tls = transport.tls();
        UpstreamProtocol protocol = transport.protocol();
        HttpClient client = shared.protocol(
                switch (protocol) {
                    case HTTP1 -> HttpProtocol.HTTP11;
                    case H2C -> HttpProtocol.H2C;
                    case H2 -> HttpProtocol.H2;
                });
        if (tls == null) {
            return new UpstreamClient(client, false, protocol.key());
        }
        SslContext context = sslContext(tls, protocol == UpstreamProtocol.H2);
        String serverName = tls.serverName();
        boolean verify = !tls.insecureSkipVerify();
        client = client.secure(spec -> spec.sslContext(context).handlerConfigurator(handler -> {
            SSLEngine engine = handler.engine();
            SSLParameters parameters = engine.getSSLParameters();
            // The JDK's trust manager checks the SNI name when one is sent, else the endpoint's host.
            parameters.setEndpointIdentificationAlgorithm(verify ? "HTTPS" : null);
            if (serverName != null) {
                parameters.setServerNames(List.of(new SNIHostName(serverName)));
            }
            engine.setSSLParameters(parameters);
        }));
        return new UpstreamClient(client, true, protocol.key() + " over TLS");
    }

    private static SslContext sslContext(UpstreamTls tls, boolean h2) throws IOException {
        SslContextBuilder builder = SslContextBuilder.forClient();
        if (tls.insecureSkipVerify()) {
            builder.trustManager(InsecureTrustManagerFactory.INSTANCE);
        } else if (tls.ca() != null) {
            try {
                builder.trustManager(tls.ca().toFile());
            } catch (RuntimeException e) {
                throw new UnusableFile("ca " + tls.ca(), "PEM certificates", e);
            }
        }
        if (tls.cert() != null) {
            try {
                builder.keyManager(tls.cert().toFile(), tls.key().toFile());
            } catch (RuntimeException e) {
                throw new UnusableFile(
                        "cert " + tls.cert() + " and key " + tls.key(),
                        "a PEM certificate and its PEM private key (PKCS#8, or PKCS#1/SEC1 unencrypted)",
                        e);
            }
        }
        if (h2) {
            builder.ciphers(Http2SecurityUtil.CIPHERS, SupportedCipherSuiteFilter.INSTANCE)
                    .applicationProtocolConfig(new ApplicationProtocolConfig(
                            ApplicationProtocolConfig.Protocol.ALPN,
                            ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                            ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
                            ApplicationProtocolNames.HTTP_2));
        }
        return builder.build();
    }

    private static List<FileStamp> stamps(UpstreamTls tls) {
        if (tls == null) {
            return List.of();
        }
        return Stream.of(tls.ca(), tls.cert(), tls.key())
                .filter(Objects::nonNull)
                .map(FileStamp::of)
                .toList();
    }

    /** Which file could not be used and why, from the exception Netty or the JDK threw. */
    private static String describe(UpstreamTls tls, Exception e) {
        if (e instanceof UnusableFile unusable) {
            return "cannot use " + unusable.files + " (" + reasons(e.getCause()) + "); expected " + unusable.expected;
        }
        return "cannot build the TLS client (" + reasons(e) + ")";
    }

    private static String reasons(Throwable error) {
        StringBuilder text = new StringBuilder();
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (cause.getMessage() != null && text.indexOf(cause.getMessage()) < 0) {
                text.append(text.isEmpty() ? "" : ": ").append(cause.getMessage());
            }
        }
        return text.isEmpty() ? error.toString() : text.toString();
    }

    /** A PEM file Netty could not read: which one and what it should hold. */
    private static final class UnusableFile extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final String files;
        private final String expected;

        UnusableFile(String files, String expected, Throwable cause) {
            super(files, cause);
            this.files = files;
            this.expected = expected;
        }
    }
}
