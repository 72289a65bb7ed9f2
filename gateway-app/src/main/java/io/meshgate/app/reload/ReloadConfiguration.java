package io.meshgate.app.reload;

import io.meshgate.app.MeshgateProperties;
import io.meshgate.app.quickstart.QuickstartRoutes;
import io.meshgate.app.routing.ActiveRoutes;
import io.meshgate.app.routing.RouteCompiler;
import io.meshgate.config.ConfigException;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Loads the route files at start and reloads them when they change. */
@Configuration(proxyBeanMethods = false)
public class ReloadConfiguration {

    @Bean
    ConfigReloader configReloader(
            MeshgateProperties properties, RouteCompiler compiler, ActiveRoutes active, MeterRegistry meters)
            throws ConfigException, IOException {
        return new ConfigReloader(routeSource(properties), compiler, active, meters, Clock.systemUTC());
    }

    private static Path routeSource(MeshgateProperties properties) throws IOException {
        if (properties.routes() != null) {
            return properties.routes();
        }
        if (properties.quickstart().enabled()) {
            return QuickstartRoutes.extract(properties.quickstart());
        }
        throw new MissingRoutesException();
    }
}
