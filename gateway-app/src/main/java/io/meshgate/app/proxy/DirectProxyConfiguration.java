package io.meshgate.app.proxy;

import io.meshgate.app.observe.RequestObserver;
import io.meshgate.app.routing.ActiveRoutes;
import io.meshgate.app.routing.MeshListener;
import org.springframework.boot.web.server.context.WebServerInitializedEvent;
import org.springframework.boot.webflux.autoconfigure.WebHttpHandlerBuilderCustomizer;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import reactor.netty.http.client.HttpClient;

/**
 * Puts the {@link DirectProxyHandler} in front of WebFlux. It serves only the traffic port and the
 * mesh listener: the ports are learnt as the servers start, and the management server's are left out.
 */
@Configuration(proxyBeanMethods = false)
public class DirectProxyConfiguration {

    @Bean
    DirectProxy directProxy(HttpClient gatewayHttpClient, RequestObserver observer) {
        return new DirectProxy(gatewayHttpClient, observer); // [observe]
    }

    @Bean
    TrafficPorts trafficPorts() {
        return new TrafficPorts();
    }

    @Bean
    WebHttpHandlerBuilderCustomizer directProxyHandler(
            ActiveRoutes active, DirectProxy proxy, MeshListener mesh, TrafficPorts trafficPorts) {
        return builder ->
                builder.httpHandlerDecorator(next -> new DirectProxyHandler(next, active, proxy, trafficPorts, mesh));
    }

    @Bean
    ApplicationListener<WebServerInitializedEvent> trafficPortListener(TrafficPorts trafficPorts) {
        return event -> {
            if (event.getApplicationContext().getServerNamespace() == null) {
                trafficPorts.add(event.getWebServer().getPort());
            }
        };
    }
}
