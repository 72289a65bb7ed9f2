package io.meshgate.app.admin;

import io.meshgate.app.reload.ConfigReloader;
import io.meshgate.app.routing.ActiveRoutes;
import io.meshgate.app.routing.FilterSpecCompiler;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The admin views served on the management port. */
@Configuration(proxyBeanMethods = false)
public class AdminConfiguration {

    @Bean
    MeshgateEndpoint meshgateEndpoint(ActiveRoutes active, ConfigReloader reloader, FilterSpecCompiler filters) {
        return new MeshgateEndpoint(active, reloader, filters);
    }
}
