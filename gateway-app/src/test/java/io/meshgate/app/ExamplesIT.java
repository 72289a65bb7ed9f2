package io.meshgate.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.meshgate.config.RouteConfigLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every example under route-config/examples (a file, or a directory of files forming one
 * configuration) is applied by a running gateway: parsed, compiled with its filters, serving.
 */
class ExamplesIT {

    private static final String START =
            """
            upstreams:
              echo-v1: { endpoints: [ { address: "{{echo-v1}}" } ] }
            routes:
              - id: start
                upstream: echo-v1
            """;

    @RegisterExtension
    static final GatewayExtension gateway =
            GatewayExtension.withUpstreams("echo-v1", "echo-v2").routes(START);

    static Stream<Path> examples() throws IOException {
        Path examples = Path.of(System.getProperty("meshgate.examples", "../route-config/examples"));
        try (Stream<Path> entries = Files.list(examples)) {
            List<Path> all = entries.filter(
                            path -> Files.isDirectory(path) || path.toString().endsWith(".yaml"))
                    .sorted()
                    .toList();
            assertThat(all).hasSizeGreaterThanOrEqualTo(10);
            return all.stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("examples")
    void exampleIsAppliedByTheGateway(Path example) throws Exception {
        List<Path> files;
        if (Files.isDirectory(example)) {
            try (Stream<Path> list = Files.list(example)) {
                files = list.filter(path -> path.toString().endsWith(".yaml"))
                        .sorted()
                        .toList();
            }
            copySupportFiles(example);
        } else {
            files = List.of(example);
        }
        try (Stream<Path> old = Files.list(gateway.routesDir())) {
            old.filter(Files::isRegularFile)
                    .forEach(path -> gateway.deleteFile(path.getFileName().toString()));
        }
        for (Path file : files) {
            String text = Files.readString(file)
                    .replace("127.0.0.1:18081", "{{echo-v1}}")
                    .replace("127.0.0.1:18082", "{{echo-v2}}");
            gateway.writeFile(file.getFileName().toString(), gateway.render(text));
        }
        String expected = RouteConfigLoader.load(gateway.routesDir()).version();
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(gateway.activeVersion())
                .as(
                        "active version after applying %s (last rejection: %s)",
                        example, gateway.status().path("reloads"))
                .isEqualTo(expected));
    }

    /** The files an example's route files refer to (upstream-tls/certs/*.pem), at the same relative paths. */
    private static void copySupportFiles(Path example) throws IOException {
        try (Stream<Path> dirs = Files.list(example)) {
            for (Path dir : dirs.filter(Files::isDirectory).toList()) {
                Path target = gateway.routesDir().resolve(dir.getFileName().toString());
                Files.createDirectories(target);
                try (Stream<Path> support = Files.list(dir)) {
                    for (Path file : support.filter(Files::isRegularFile).toList()) {
                        Files.copy(
                                file,
                                target.resolve(file.getFileName().toString()),
                                StandardCopyOption.REPLACE_EXISTING);
                    }
                }
            }
        }
    }
}
