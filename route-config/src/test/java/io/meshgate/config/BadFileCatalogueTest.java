package io.meshgate.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every file of {@code src/test/resources/bad/} is rejected with exactly the errors its {@code #
 * expect: LINE:COLUMN: message} header lines list, in order ({@code {file}} stands for the file's
 * own name). The catalogue documents the error messages as much as it tests them.
 */
class BadFileCatalogueTest {

    static final Path CATALOGUE = Path.of("src/test/resources/bad");
    private static final String EXPECT = "# expect: ";

    static Stream<Path> badFiles() throws IOException {
        try (Stream<Path> files = Files.list(CATALOGUE)) {
            return files.filter(file -> file.toString().endsWith(".yaml")).sorted().toList().stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badFiles")
    void rejectsWithExactlyTheExpectedErrors(Path file) throws IOException {
        List<String> expected = expectedErrors(file);
        assertThat(expected).as("the file lists its expected errors").isNotEmpty();

        ConfigException rejected = catchThrowableOfType(ConfigException.class, () -> RouteConfigLoader.load(file));

        assertThat(rejected).as("the loader rejects %s", file).isNotNull();
        assertThat(rejected.errors()).map(ConfigError::toString).containsExactlyElementsOf(expected);
    }

    @Test
    void catalogueCoversAtLeastTwentyFiveMistakes() throws IOException {
        assertThat(badFiles()).hasSizeGreaterThanOrEqualTo(25);
    }

    static List<String> expectedErrors(Path file) throws IOException {
        return Files.readAllLines(file).stream()
                .filter(line -> line.startsWith(EXPECT))
                .map(line -> file + ":" + line.substring(EXPECT.length()).replace("{file}", file.toString()))
                .toList();
    }
}
