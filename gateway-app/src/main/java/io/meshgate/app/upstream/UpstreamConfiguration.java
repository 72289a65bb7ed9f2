package io.meshgate.app.upstream;

import io.meshgate.app.routing.ActiveRoutes;
import io.meshgate.app.routing.RouteTable;
import io.meshgate.discovery.ServiceDiscovery;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import reactor.netty.http.client.HttpClient;

/** The upstream runtime: pool factory, health probes, metrics and the timer that drives them. */
@Configuration(proxyBeanMethods = false)
public class UpstreamConfiguration {

    private static final Logger log = LoggerFactory.getLogger(UpstreamConfiguration.class);

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
                    try {
                        RouteTable table = active.current();
                        metrics.refresh(
                                table == null ? List.of() : table.upstreams().values());
                        metrics.refreshBreakers(
                                table == null
                                        ? List.of()
                                        : table.runtime().breakers().all());
                    } catch (RuntimeException e) {
                        // A failed refresh must not cancel the schedule (an exception would).
                        log.warn("Refreshing the upstream metrics failed", e);
                    }
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
                discovery.getIfAvailable(() -> ServiceDiscovery.NONE), metrics, new HealthProbe(gatewayHttpClient));
    }
}
