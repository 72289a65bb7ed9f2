package io.meshgate.app.tracing;

import java.util.HashMap;
import java.util.Map;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Reports spans to Zipkin only when an endpoint is set ({@code
 * management.tracing.export.zipkin.endpoint}, or Spring Boot 3's name {@code
 * management.zipkin.tracing.endpoint}). Spring Boot's default would post them to {@code
 * localhost:9411}, where a gateway usually has no Zipkin: a connection attempt and a dropped batch
 * every second for nothing. Sampling and propagation stay on, so the gateway still passes trace ids
 * and sampling decisions on. An explicit {@code management.tracing.export.zipkin.enabled} wins.
 */
public final class ZipkinReportingDefault implements EnvironmentPostProcessor {

    static final String ENDPOINT = "management.tracing.export.zipkin.endpoint";
    static final String BOOT3_ENDPOINT = "management.zipkin.tracing.endpoint";
    static final String EXPORT = "management.tracing.export.zipkin.enabled";

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        Map<String, Object> defaults = new HashMap<>();
        String endpoint = environment.getProperty(ENDPOINT);
        String boot3Endpoint = environment.getProperty(BOOT3_ENDPOINT);
        if (isBlank(endpoint) && !isBlank(boot3Endpoint)) {
            defaults.put(ENDPOINT, boot3Endpoint);
        } else if (isBlank(endpoint)) {
            defaults.put(EXPORT, false);
        }
        environment.getPropertySources().addLast(new MapPropertySource("meshgateZipkinDefaults", defaults));
    }

    private static boolean isBlank(String value) {
        return value == null || value.isBlank();
    }
}
