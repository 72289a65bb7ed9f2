package io.meshgate.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

/**
 * Every file of the bad-file catalogues, written over a good route file in a running gateway, is
 * rejected with exactly its expected errors (file:line:column), and the good configuration keeps
 * serving. The parser's catalogue lives in route-config; the compiler's (filters, path patterns) here.
 */
class BadConfigIT {

    private static final String GOOD =
            """
            upstreams:
              a: { endpoints: [ { address: "{{a}}" } ] }
            routes:
              - id: good
                match: { path: /good/** }
                upstream: a
            """;

    @RegisterExtension
    static final GatewayExtension gateway = GatewayExtension.withUpstreams("a").routes(GOOD);

    static Stream<Path> catalogue() throws IOException {
        Path parser = Path.of(System.getProperty("meshgate.catalogue", "../route-config/src/test/resources/bad"));
        Path compiler = Path.of("src/test/resources/bad-compile");
        assertThat(parser).isDirectory();
        assertThat(compiler).isDirectory();
        try (Stream<Path> a = Files.list(parser);
                Stream<Path> b = Files.list(compiler)) {
            List<Path> files = Stream.concat(a, b)
                    .filter(path -> path.toString().endsWith(".yaml"))
                    .sorted()
                    .toList();
            assertThat(files).hasSizeGreaterThanOrEqualTo(20);
            return files.stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("catalogue")
    void badFileIsRejectedWithItsErrorsAndTheGoodConfigurationKeepsServing(Path bad) throws IOException {
        String content = Files.readString(bad);
        String file = gateway.routesDir().resolve("routes.yaml").toString();
        List<String> expected = content.lines()
                .filter(line -> line.startsWith("# expect: "))
                .map(line -> file + ":" + line.substring("# expect: ".length()).replace("{file}", file))
                .toList();
        assertThat(expected).as("catalogue file lists its expected errors").isNotEmpty();
        String version = gateway.activeVersion();
        long rejectedBefore = gateway.rejectedReloads();

        gateway.writeFile("routes.yaml", gateway.render(content));

        await().atMost(Duration.ofSeconds(5)).until(() -> gateway.rejectedReloads() > rejectedBefore);
        JsonNode status = gateway.status();
        assertThat(status.path("reloads")
                        .path("lastRejected")
                        .path("errors")
                        .valueStream()
                        .map(JsonNode::asString)
                        .toList())
                .containsExactlyElementsOf(expected);
        assertThat(status.path("active").path("version").asString()).isEqualTo(version);
        gateway.client().get().uri("/good/x").exchange().expectStatus().isOk();
    }
}
