package io.meshgate.app.discovery;

import io.meshgate.k8s.KubernetesServiceDiscovery;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/** The discovery admin view, present with discovery on or off (off, it says why). */
@Configuration(proxyBeanMethods = false)
public class DiscoveryEndpointConfiguration {

    @Bean
    DiscoveryEndpoint discoveryEndpoint(ObjectProvider<KubernetesServiceDiscovery> discovery, Environment environment) {
        return new DiscoveryEndpoint(discovery, KubernetesDiscoveryCondition.offReason(environment));
    }
}
