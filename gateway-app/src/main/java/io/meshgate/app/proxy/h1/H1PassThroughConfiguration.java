package io.meshgate.app.proxy.h1;

import io.meshgate.app.edge.LimitsProperties;
import io.meshgate.app.edge.RequestHeaderFixups;
import io.meshgate.app.observe.RequestObserver;
import io.meshgate.app.proxy.TrafficPorts;
import io.meshgate.app.routing.ActiveRoutes;
import io.meshgate.app.routing.MeshListener;
import java.time.Duration;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.reactor.netty.NettyReactiveWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Puts the HTTP/1.1 pass-through ({@link H1PassThrough}) on the traffic listener, unless {@code
 * meshgate.pass-through.enabled=false}.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "meshgate.pass-through.enabled", matchIfMissing = true)
public class H1PassThroughConfiguration {

    @Bean(destroyMethod = "close")
    H1PassThrough h1PassThrough(
            ActiveRoutes active,
            RequestObserver observer,
            RequestHeaderFixups fixups,
            MeshListener mesh,
            TrafficPorts trafficPorts,
            LimitsProperties limits,
            @Value("${meshgate.upstream.connect-timeout:5s}") Duration connectTimeout,
            @Value("${meshgate.pass-through.upstream-idle-timeout:60s}") Duration upstreamIdleTimeout) {
        return new H1PassThrough(
                active,
                observer,
                fixups,
                mesh,
                trafficPorts::contains,
                connectTimeout,
                upstreamIdleTimeout,
                limits.idleTimeout());
    }

    @Bean
    WebServerFactoryCustomizer<NettyReactiveWebServerFactory> h1PassThroughCustomizer(H1PassThrough passThrough) {
        return factory -> factory.addServerCustomizers(passThrough::apply);
    }

    /** With {@code server.shutdown=immediate} nothing waits for requests in flight, these neither. */
    @Bean
    @ConditionalOnProperty(name = "server.shutdown", havingValue = "graceful", matchIfMissing = true)
    H1Drain h1Drain(
            H1PassThrough passThrough,
            @Value("${spring.lifecycle.timeout-per-shutdown-phase:30s}") Duration phaseTimeout) {
        return new H1Drain(passThrough, phaseTimeout);
    }
}
