package io.meshgate.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The image's JVM options file ({@code k8s/jvm.options}): this JVM accepts it, and the image uses it. */
class JvmOptionsTest {

    private static final Path OPTIONS = Path.of("jvm.options");

    @Test
    void theJvmStartsWithTheShippedOptions() throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process process = new ProcessBuilder(
                        java.toString(), "@" + OPTIONS.toAbsolutePath(), "-XX:+PrintFlagsFinal", "-version")
                .redirectErrorStream(true)
                .start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();

        assertThat(process.exitValue()).as(output).isZero();
        assertThat(output)
                .containsPattern("bool UseParallelGC\\s+= true\\s+\\{product\\} \\{command line\\}")
                .containsPattern("Tier4InvocationThreshold\\s+= 150000");
    }

    @Test
    void theImageRunsAndTrainsWithIt() throws Exception {
        String dockerfile = Files.readString(Path.of("Dockerfile"), StandardCharsets.UTF_8);

        assertThat(dockerfile)
                .contains("COPY k8s/jvm.options /opt/meshgate/jvm.options")
                .contains("RUN java @/opt/meshgate/jvm.options -XX:ArchiveClassesAtExit=")
                .contains("ENTRYPOINT [\"java\", \"@/opt/meshgate/jvm.options\"");
        for (String line : Files.readAllLines(OPTIONS, StandardCharsets.UTF_8)) {
            String option = line.strip();
            if (!option.isEmpty() && !option.startsWith("#")) {
                assertThat(option).as("one option per line").startsWith("-").doesNotContain(" ");
            }
        }
    }
}
