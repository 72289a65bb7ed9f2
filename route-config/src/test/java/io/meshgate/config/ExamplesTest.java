package io.meshgate.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The published examples load without errors. The gateway's tests run them too, so the details
 * they rely on (upstream names, ports, route ids) are pinned here.
 */
class ExamplesTest {

    static final Path EXAMPLES = Path.of("examples");

    /** Each top-level example file, and each example directory as one configuration. */
    static Stream<Path> examples() throws IOException {
        try (Stream<Path> entries = Files.list(EXAMPLES)) {
            return entries.sorted().toList().stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("examples")
    void loadsWithoutErrors(Path example) throws ConfigException {
        RouteConfig config = RouteConfigLoader.load(example);

        assertThat(config.upstreams()).isNotEmpty();
        assertThat(config.routes()).isNotEmpty();
    }

    @Test
    void everyFeatureHasAnExample() {
        assertThat(EXAMPLES.toFile().list())
                .contains(
                        "quickstart.yaml",
                        "host-match.yaml",
                        "path-match.yaml",
                        "method-match.yaml",
                        "header-match.yaml",
                        "query-match.yaml",
                        "weighted-split.yaml",
                        "timeout.yaml",
                        "filters.yaml",
                        "kubernetes-upstream.yaml",
                        "mesh-authorization.yaml",
                        "multi-file");
    }

    @Test
    void quickstartSplitsEchoBetweenTwoLocalUpstreams() throws ConfigException {
        RouteConfig config = RouteConfigLoader.load(EXAMPLES.resolve("quickstart.yaml"));

        assertThat(config.upstreams().keySet()).containsExactly("echo-v1", "echo-v2");
        assertThat(endpoint(config, "echo-v1")).isEqualTo("127.0.0.1:18081");
        assertThat(endpoint(config, "echo-v2")).isEqualTo("127.0.0.1:18082");
        assertThat(config.routes()).extracting(Route::id).containsExactly("echo", "v1", "v2");
        Route echo = config.routes().get(0);
        assertThat(echo.match().paths()).containsExactly("/echo/**");
        assertThat(echo.backends())
                .extracting(Backend::upstream, Backend::weight)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("echo-v1", 80),
                        org.assertj.core.groups.Tuple.tuple("echo-v2", 20));
        assertThat(config.routes())
                .allSatisfy(route ->
                        assertThat(route.filters()).extracting(FilterSpec::text).containsExactly("StripPrefix=1"));
        assertThat(config.routes().get(1).match().paths()).containsExactly("/v1/**");
        assertThat(config.routes().get(2).backends())
                .extracting(Backend::upstream)
                .containsExactly("echo-v2");
    }

    @Test
    void multiFileExampleUsesUpstreamsOfOneFileInRoutesOfTheOther() throws ConfigException {
        RouteConfig config = RouteConfigLoader.load(EXAMPLES.resolve("multi-file"));

        assertThat(config.files()).hasSize(2);
        assertThat(config.upstreams().values())
                .allSatisfy(upstream -> assertThat(upstream.location().file()).endsWith("upstreams.yaml"));
        assertThat(config.routes())
                .allSatisfy(route -> assertThat(route.location().file()).endsWith("routes.yaml"));
    }

    @Test
    void timeoutExampleShowsShortLongAndDefaultTimeouts() throws ConfigException {
        RouteConfig config = RouteConfigLoader.load(EXAMPLES.resolve("timeout.yaml"));

        assertThat(config.routes())
                .extracting(Route::timeout)
                .containsExactly(Duration.ofMillis(250), Duration.ofMinutes(2), Route.DEFAULT_TIMEOUT);
    }

    private static String endpoint(RouteConfig config, String upstream) {
        StaticEndpoints endpoints =
                (StaticEndpoints) config.upstreams().get(upstream).source();
        assertThat(endpoints.endpoints()).hasSize(1);
        return endpoints.endpoints().get(0).address();
    }
}
