package io.meshgate.app.discovery;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Kubernetes service discovery settings ({@code meshgate.kubernetes.*}). The Kubernetes client itself
 * (API server URL, credentials, namespace) is Spring Cloud Kubernetes' ({@code
 * spring.cloud.kubernetes.client.*}, in a pod: the service account).
 *
 * @param enabled {@code auto} (on when the gateway runs on Kubernetes, or {@code
 *     spring.main.cloud-platform=kubernetes}), {@code true} or {@code false}
 * @param initialSyncTimeout how long loading a configuration waits for the first list of a newly
 *     referenced Service, so a starting gateway does not answer 503 for endpoints a moment away
 * @param checkInterval how often the health of each watch is sampled (staleness, outage log)
 */
@ConfigurationProperties("meshgate.kubernetes")
public record KubernetesDiscoveryProperties(
        @DefaultValue("auto") String enabled,
        @DefaultValue("2s") Duration initialSyncTimeout,
        @DefaultValue("500ms") Duration checkInterval) {}
