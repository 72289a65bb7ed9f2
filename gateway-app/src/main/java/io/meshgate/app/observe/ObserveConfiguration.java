package io.meshgate.app.observe;

import brave.Tracing;
import io.meshgate.app.accesslog.AccessLog;
import io.meshgate.app.tracing.ProxyTracing;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.web.server.context.WebServerInitializedEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Wires tracing and the access log into both request paths: the {@link RequestObserver} the direct
 * proxy calls, and for the Spring Cloud Gateway path a web filter (the request), a global filter
 * (each upstream attempt) and a request header filter (the propagated context). Tracing uses
 * Spring Boot's Brave {@link Tracing} unless {@code meshgate.tracing.enabled} is false.
 */
@Configuration(proxyBeanMethods = false)
public class ObserveConfiguration {

    private final Set<Integer> managementPorts = new CopyOnWriteArraySet<>();

    @Bean
    RequestObserver requestObserver(
            ObjectProvider<Tracing> tracing,
            ObjectProvider<AccessLog> accessLog,
            @Value("${meshgate.tracing.enabled:true}") boolean tracingEnabled) {
        Tracing brave = tracingEnabled ? tracing.getIfAvailable() : null;
        return new RequestObserver(brave == null ? null : new ProxyTracing(brave), accessLog.getIfAvailable());
    }

    @Bean
    ObservingWebFilter observingWebFilter(RequestObserver observer) {
        return new ObservingWebFilter(observer, managementPorts);
    }

    @Bean
    AttemptObservingFilter attemptObservingFilter() {
        return new AttemptObservingFilter();
    }

    @Bean
    TraceHeadersFilter traceHeadersFilter() {
        return new TraceHeadersFilter();
    }

    /**
     * The management server's port(s), learnt as servers start and left out: requests on every other
     * listener (the traffic port, the mesh listener) are observed.
     */
    @Bean
    ApplicationListener<WebServerInitializedEvent> observedPortListener() {
        return event -> {
            if (event.getApplicationContext().getServerNamespace() != null) {
                managementPorts.add(event.getWebServer().getPort());
            }
        };
    }
}
