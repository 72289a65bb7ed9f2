package io.meshgate.app.upstream;

import io.meshgate.app.routing.ActiveRoutes;
import io.meshgate.app.routing.RouteTable;
import io.meshgate.discovery.ServiceDiscovery;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import reactor.netty.http.client.HttpClient;

/** The upstream runtime: pool factory, health probes, metrics and the timer that drives them. */
@Configuration(proxyBeanMethods = false)
public class UpstreamConfiguration {

    /** One daemon thread for health-check ticks and metric refreshes: neither does I/O or blocks. */
    @Bean(destroyMethod = "shutdownNow")
    ScheduledExecutorService meshgateUpstreamTimer() {
        return Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "meshgate-upstream-timer");
            thread.setDaemon(true);
            return thread;
        });
    }

    @Bean
    UpstreamMetrics upstreamMetrics(
            MeterRegistry registry,
            ActiveRoutes active,
            ScheduledExecutorService meshgateUpstreamTimer,
            @Value("${meshgate.upstream.metrics-refresh:1s}") Duration refresh) {
        UpstreamMetrics metrics = new UpstreamMetrics(registry);
        meshgateUpstreamTimer.scheduleWithFixedDelay(
                () -> {
                    RouteTable table = active.current();
                    metrics.refresh(table == null ? null : table.runtime());
                },
                refresh.toMillis(),
                refresh.toMillis(),
                TimeUnit.MILLISECONDS);
        return metrics;
    }

    @Bean
    UpstreamFactory upstreamFactory(
            ObjectProvider<ServiceDiscovery> discovery, UpstreamMetrics metrics, HttpClient gatewayHttpClient) {
        return new UpstreamFactory(
                discovery.getIfAvailable(() -> ServiceDiscovery.NONE),
                metrics,
                new HealthProbe(gatewayHttpClient),
                new UpstreamClients(gatewayHttpClient));
    }
}
