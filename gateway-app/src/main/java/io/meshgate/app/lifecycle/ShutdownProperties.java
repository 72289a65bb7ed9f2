package io.meshgate.app.lifecycle;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How meshgate stops ({@code meshgate.shutdown.*}).
 *
 * @param drainDelay how long the gateway keeps accepting new connections after SIGTERM while its
 *     readiness already says REFUSING_TRAFFIC, so that Kubernetes endpoints and load balancers stop
 *     sending before the listener closes; 0 closes it at once. In-flight requests then get up to
 *     {@code spring.lifecycle.timeout-per-shutdown-phase} to finish.
 */
@ConfigurationProperties("meshgate.shutdown")
public record ShutdownProperties(@DefaultValue("5s") Duration drainDelay) {}
