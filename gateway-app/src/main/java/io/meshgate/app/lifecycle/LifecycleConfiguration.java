package io.meshgate.app.lifecycle;

import java.time.Duration;
import org.springframework.boot.availability.ApplicationAvailability;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/** Graceful shutdown: readiness first, a drain delay, then Spring's graceful server shutdown. */
@Configuration(proxyBeanMethods = false)
public class LifecycleConfiguration {

    @Bean
    DrainOnShutdown drainOnShutdown(
            ShutdownProperties properties,
            Environment environment,
            ApplicationContext context,
            ApplicationAvailability availability) {
        Duration phaseTimeout = Binder.get(environment)
                .bind("spring.lifecycle.timeout-per-shutdown-phase", Duration.class)
                .orElse(Duration.ofSeconds(30));
        return new DrainOnShutdown(properties.drainDelay(), phaseTimeout, context, availability);
    }
}
