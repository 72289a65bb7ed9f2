package io.meshgate.app.edge;

import io.meshgate.app.tls.TlsProperties;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.boot.reactor.netty.NettyReactiveWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.boot.webflux.autoconfigure.WebHttpHandlerBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;

/**
 * Edge hardening of the listeners: {@code meshgate.limits.*} on the traffic server (the mesh
 * listener takes the same {@link ListenerHardening}), and the request header fix-ups ({@link
 * EdgeHeaders}) in front of both request paths.
 */
@Configuration(proxyBeanMethods = false)
public class EdgeConfiguration {

    @Bean
    EdgeRejections edgeRejections(MeterRegistry meters) {
        return new EdgeRejections(meters);
    }

    @Bean
    ListenerHardening listenerHardening(LimitsProperties limits, EdgeRejections rejections) {
        return new ListenerHardening(limits, rejections);
    }

    /** Last, so that meshgate's limits win over Spring Boot's {@code server.netty.*} defaults. */
    @Bean
    @Order(Ordered.LOWEST_PRECEDENCE)
    WebServerFactoryCustomizer<NettyReactiveWebServerFactory> listenerHardeningCustomizer(ListenerHardening hardening) {
        return factory -> factory.addServerCustomizers(hardening::apply);
    }

    /**
     * After the mesh listener's identity stripping (the outermost decorator), before the direct
     * proxy: both request paths see the fixed headers.
     */
    @Bean
    RequestHeaderFixups requestHeaderFixups(ForwardedProperties forwarded, TlsProperties tls) {
        return new RequestHeaderFixups(
                new ForwardedHeaders(TrustedProxies.parse(forwarded.trustedProxies())),
                tls.hsts().enabled() ? tls.hsts().headerValue() : null);
    }

    @Bean
    @Order(Ordered.HIGHEST_PRECEDENCE + 10)
    WebHttpHandlerBuilderCustomizer edgeHeaders(
            RequestHeaderFixups fixups, LimitsProperties limits, EdgeRejections rejections) {
        return builder -> builder.httpHandlerDecorator(next -> new EdgeHeaders(next, fixups, limits, rejections));
    }
}
