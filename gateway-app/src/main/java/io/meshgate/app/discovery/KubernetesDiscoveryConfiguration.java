package io.meshgate.app.discovery;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.meshgate.k8s.KubernetesServiceDiscovery;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;

/**
 * Kubernetes upstreams resolved by watching EndpointSlices ({@link KubernetesServiceDiscovery}), with
 * the Kubernetes client Spring Cloud Kubernetes configures (service account in a pod, kubeconfig or
 * {@code spring.cloud.kubernetes.client.*} elsewhere). Only this client configuration is taken from
 * Spring Cloud Kubernetes; its polled discovery client and load balancer are not on the classpath.
 */
@Configuration(proxyBeanMethods = false)
@Conditional(KubernetesDiscoveryCondition.class)
@EnableConfigurationProperties(KubernetesDiscoveryProperties.class)
public class KubernetesDiscoveryConfiguration {

    @Bean
    DiscoveryMetrics discoveryMetrics(MeterRegistry registry) {
        return new DiscoveryMetrics(registry);
    }

    @Bean(destroyMethod = "close")
    KubernetesServiceDiscovery kubernetesServiceDiscovery(
            ObjectProvider<KubernetesClient> client,
            KubernetesDiscoveryProperties properties,
            DiscoveryMetrics metrics) {
        KubernetesClient kubernetes = client.getIfAvailable();
        if (kubernetes == null) {
            throw new IllegalStateException(KubernetesDiscoveryCondition.PROPERTY
                    + "=true, but no Kubernetes client is configured: outside a cluster also set"
                    + " spring.main.cloud-platform=kubernetes (the API server then comes from the kubeconfig or"
                    + " spring.cloud.kubernetes.client.master-url)");
        }
        return new KubernetesServiceDiscovery(
                kubernetes,
                new KubernetesServiceDiscovery.Settings(properties.initialSyncTimeout(), properties.checkInterval()),
                Clock.systemUTC(),
                metrics);
    }
}
