package io.meshgate.app.routing;

import io.meshgate.app.upstream.UpstreamFactory;
import io.meshgate.app.upstream.UpstreamNettyRoutingFilter;
import io.meshgate.app.upstream.UpstreamWebsocketRoutingFilter;
import io.meshgate.discovery.ServiceDiscovery;
import io.meshgate.metrics.RouteMetricsFilter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.cloud.gateway.config.GatewayProperties;
import org.springframework.cloud.gateway.config.GlobalCorsProperties;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.cloud.gateway.filter.NettyRoutingFilter;
import org.springframework.cloud.gateway.filter.WebsocketRoutingFilter;
import org.springframework.cloud.gateway.filter.factory.GatewayFilterFactory;
import org.springframework.cloud.gateway.handler.FilteringWebHandler;
import org.springframework.cloud.gateway.support.ConfigurationService;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/** Wires meshgate's route table into Spring Cloud Gateway. */
@Configuration(proxyBeanMethods = false)
public class RoutingConfiguration {

    @Bean
    ActiveRoutes activeRoutes() {
        return new ActiveRoutes();
    }

    @Bean
    MeshListener meshListener() {
        return new MeshListener();
    }

    @Bean
    FilterSpecCompiler filterSpecCompiler(
            List<GatewayFilterFactory<?>> factories, ConfigurationService configurationService) {
        return new FilterSpecCompiler(factories, configurationService);
    }

    @Bean
    RouteCompiler routeCompiler(
            FilterSpecCompiler filters,
            GatewayProperties gateway,
            ObjectProvider<ServiceDiscovery> discovery,
            UpstreamFactory upstreams,
            ActiveRoutes active,
            ScheduledExecutorService meshgateUpstreamTimer,
            MeterRegistry meters,
            MeshListener mesh) {
        return new RouteCompiler(
                filters,
                gateway.getDefaultFilters(),
                discovery.getIfAvailable(() -> ServiceDiscovery.NONE),
                upstreams,
                active,
                meshgateUpstreamTimer,
                meters,
                mesh,
                Clock.systemUTC());
    }

    /**
     * Replaces Spring Cloud Gateway's filter runner (which backs off when one exists). The stock
     * routing filters give way to {@link UpstreamNettyRoutingFilter} and {@link
     * UpstreamWebsocketRoutingFilter}, which know upstreams' own clients.
     */
    @Bean
    MeshgateFilteringWebHandler filteringWebHandler(List<GlobalFilter> globalFilters) {
        boolean http = globalFilters.stream().anyMatch(UpstreamNettyRoutingFilter.class::isInstance);
        boolean websocket = globalFilters.stream().anyMatch(UpstreamWebsocketRoutingFilter.class::isInstance);
        return new MeshgateFilteringWebHandler(globalFilters.stream()
                .filter(filter -> !http || filter.getClass() != NettyRoutingFilter.class)
                .filter(filter -> !websocket || filter.getClass() != WebsocketRoutingFilter.class)
                .toList());
    }

    @Bean
    RouteMetricsFilter routeMetricsFilter() {
        return new RouteMetricsFilter();
    }

    /** Replaces Spring Cloud Gateway's handler mapping, which backs off when one exists. */
    @Bean
    MeshgateHandlerMapping routePredicateHandlerMapping(
            FilteringWebHandler webHandler,
            ActiveRoutes active,
            MeshListener mesh,
            GlobalCorsProperties globalCorsProperties,
            Environment environment) {
        return new MeshgateHandlerMapping(webHandler, active, mesh, globalCorsProperties, environment);
    }
}
