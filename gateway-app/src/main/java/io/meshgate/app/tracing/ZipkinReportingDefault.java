package io.meshgate.app.tracing;

import java.util.Map;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Reports spans to Zipkin only when {@code management.zipkin.tracing.endpoint} is set. Spring
 * Boot's default would send them to {@code localhost:9411}, where a gateway usually has no Zipkin:
 * a connection attempt and an error every second for nothing. Sampling and propagation stay on, so
 * the gateway still passes trace ids and sampling decisions on. An explicit {@code
 * management.tracing.export.zipkin.enabled} wins.
 */
public final class ZipkinReportingDefault implements EnvironmentPostProcessor {

    static final String ENDPOINT = "management.zipkin.tracing.endpoint";
    static final String EXPORT = "management.tracing.export.zipkin.enabled";

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        String endpoint = environment.getProperty(ENDPOINT);
        if (endpoint == null || endpoint.isBlank()) {
            environment
                    .getPropertySources()
                    .addLast(new MapPropertySource("meshgateZipkinDefault", Map.of(EXPORT, false)));
        }
    }
}
