package io.meshgate.app.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

class ZipkinReportingDefaultTest {

    @Test
    void reportingIsOffWithoutAnEndpoint() {
        StandardEnvironment environment = environment(Map.of());
        assertThat(environment.getProperty("management.tracing.export.zipkin.enabled", Boolean.class))
                .isFalse();
    }

    @Test
    void reportingIsLeftOnWhenAnEndpointIsSet() {
        StandardEnvironment environment =
                environment(Map.of("management.tracing.export.zipkin.endpoint", "http://zipkin:9411/api/v2/spans"));
        assertThat(environment.getProperty("management.tracing.export.zipkin.enabled"))
                .isNull();
    }

    @Test
    void springBoot3EndpointNameIsTaken() {
        StandardEnvironment environment =
                environment(Map.of("management.zipkin.tracing.endpoint", "http://zipkin:9411/api/v2/spans"));
        assertThat(environment.getProperty("management.tracing.export.zipkin.endpoint"))
                .isEqualTo("http://zipkin:9411/api/v2/spans");
        assertThat(environment.getProperty("management.tracing.export.zipkin.enabled"))
                .isNull();
    }

    @Test
    void explicitSwitchWins() {
        StandardEnvironment environment = environment(Map.of("management.tracing.export.zipkin.enabled", "true"));
        assertThat(environment.getProperty("management.tracing.export.zipkin.enabled", Boolean.class))
                .isTrue();
    }

    private static StandardEnvironment environment(Map<String, Object> properties) {
        StandardEnvironment environment = new StandardEnvironment();
        environment.getPropertySources().addFirst(new MapPropertySource("test", properties));
        new ZipkinReportingDefault().postProcessEnvironment(environment, null);
        return environment;
    }
}
