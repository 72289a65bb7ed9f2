package io.meshgate.app.mesh;

import io.meshgate.app.edge.ListenerHardening;
import io.meshgate.app.routing.MeshListener;
import io.meshgate.app.tls.CertificateRejectedException;
import io.meshgate.app.tls.PemCertificate;
import io.meshgate.app.tls.ServerCertificates;
import io.meshgate.app.tls.ServerSslProviders;
import io.meshgate.app.tls.TlsProperties;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.List;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.webflux.autoconfigure.WebHttpHandlerBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.server.reactive.HttpHandler;

/** The mesh listener, when {@code meshgate.mesh.port} is set. */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty("meshgate.mesh.port")
public class MeshConfiguration {

    /** How the mesh listener's SSL providers are made: client certificates from the client CA required. */
    @Bean
    ServerSslProviders meshSslProviders(MeshProperties properties) throws CertificateRejectedException {
        if (properties.certificate() == null || properties.privateKey() == null || properties.clientCa() == null) {
            throw new IllegalStateException(
                    "The mesh listener needs meshgate.mesh.certificate, meshgate.mesh.private-key and meshgate.mesh.client-ca");
        }
        return ServerSslProviders.requiringClientCertificates(PemCertificate.readCertificates(properties.clientCa()));
    }

    @Bean(destroyMethod = "close")
    ServerCertificates meshCertificates(
            MeshProperties properties,
            @Qualifier("meshSslProviders") ServerSslProviders providers,
            MeterRegistry meters)
            throws CertificateRejectedException {
        ServerCertificates certificates = new ServerCertificates(
                List.of(new TlsProperties.Certificate("mesh", properties.certificate(), properties.privateKey(), null)),
                providers,
                meters,
                Clock.systemUTC());
        certificates.watch();
        return certificates;
    }

    @Bean(destroyMethod = "close")
    MeshClientCa meshClientCa(
            MeshProperties properties,
            @Qualifier("meshSslProviders") ServerSslProviders providers,
            @Qualifier("meshCertificates") ServerCertificates meshCertificates,
            MeterRegistry meters) {
        MeshClientCa clientCa = new MeshClientCa(
                properties.clientCa(),
                providers.trustedClientIssuers(),
                providers,
                meshCertificates,
                meters,
                Clock.systemUTC());
        clientCa.watch();
        return clientCa;
    }

    @Bean
    MeshServer meshServer(
            MeshProperties properties,
            @Qualifier("meshCertificates") ServerCertificates meshCertificates,
            ObjectProvider<HttpHandler> httpHandler,
            MeshListener listener,
            ListenerHardening hardening) {
        return new MeshServer(properties, meshCertificates, httpHandler, listener, hardening);
    }

    /** First, so that its decorator is the outermost one: it runs before the direct proxy's. */
    @Bean
    @Order(Ordered.HIGHEST_PRECEDENCE)
    WebHttpHandlerBuilderCustomizer identityHeaderStripping(MeshProperties properties) {
        return builder ->
                builder.httpHandlerDecorator(next -> new IdentityHeaderStripping(next, properties.identityHeader()));
    }
}
