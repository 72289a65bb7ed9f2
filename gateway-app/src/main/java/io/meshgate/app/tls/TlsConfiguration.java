package io.meshgate.app.tls;

import io.meshgate.app.edge.ListenerHardening;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.reactor.netty.NettyReactiveWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotatedTypeMetadata;
import reactor.netty.http.HttpProtocol;

/**
 * TLS termination on the traffic port when {@code meshgate.tls.certificates} lists certificates.
 * Only the traffic server is customised: the management port (a child context with its own
 * server) stays plain HTTP on loopback.
 */
@Configuration(proxyBeanMethods = false)
@Conditional(TlsConfiguration.CertificatesConfigured.class)
public class TlsConfiguration {

    private static final Logger log = LoggerFactory.getLogger(TlsConfiguration.class);

    @Bean(destroyMethod = "close")
    ServerCertificates serverCertificates(TlsProperties properties, MeterRegistry meters, Environment environment)
            throws CertificateRejectedException {
        if (environment.containsProperty("server.ssl.bundle")
                || environment.containsProperty("server.ssl.certificate")
                || environment.containsProperty("server.ssl.key-store")) {
            throw new IllegalStateException(
                    "Both meshgate.tls.certificates and server.ssl.* configure TLS on the traffic port; use one");
        }
        ServerCertificates certificates = new ServerCertificates(
                properties.certificates(),
                ServerSslProviders.forTraffic(properties.http2()),
                meters,
                Clock.systemUTC());
        certificates.watch();
        return certificates;
    }

    /**
     * Adds TLS to the traffic server: each handshake asks {@link ServerCertificates} for the
     * certificate of its SNI name, so a reloaded certificate serves the next handshake.
     */
    @Bean
    WebServerFactoryCustomizer<NettyReactiveWebServerFactory> tlsServerCustomizer(
            TlsProperties properties, @Qualifier("serverCertificates") ServerCertificates certificates) {
        HttpProtocol[] protocols = properties.http2()
                ? new HttpProtocol[] {HttpProtocol.H2, HttpProtocol.HTTP11}
                : new HttpProtocol[] {HttpProtocol.HTTP11};
        log.info(
                "Traffic port terminates TLS ({}; ALPN {}) with {} certificate(s)",
                ServerSslProviders.implementation(),
                properties.http2() ? "h2, http/1.1" : "http/1.1",
                properties.certificates().size());
        return factory -> factory.addServerCustomizers(server -> server.secure(
                        spec -> spec.sslContext(certificates.fallback().getSslContext())
                                .setSniAsyncMappings(
                                        (serverName, promise) -> promise.setSuccess(certificates.select(serverName))))
                .protocol(protocols));
    }

    @Bean
    @ConditionalOnProperty("meshgate.tls.redirect.port")
    HttpsRedirectServer httpsRedirectServer(
            TlsProperties properties, Environment environment, ListenerHardening hardening) {
        return new HttpsRedirectServer(
                environment.getProperty("server.address", "0.0.0.0"),
                properties.redirect().port(),
                properties.redirect().httpsPort(),
                hardening::apply);
    }

    /** True when at least one certificate is configured (in any property source form). */
    static final class CertificatesConfigured extends SpringBootCondition {

        @Override
        public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
            boolean configured = Binder.get(context.getEnvironment())
                    .bind("meshgate.tls", TlsProperties.class)
                    .map(TlsProperties::enabled)
                    .orElse(false);
            return configured
                    ? ConditionOutcome.match("meshgate.tls.certificates is set")
                    : ConditionOutcome.noMatch("meshgate.tls.certificates is empty");
        }
    }
}
