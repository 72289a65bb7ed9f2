package io.meshgate.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a Spring Boot jar the way meshgate's image does (k8s/Dockerfile, Spring Boot's documented
 * recipe): extracted with {@code -Djarmode=tools}, with a class-data-sharing archive recorded by a
 * training run that starts the application context and exits. Start-up is then measured as it is in
 * a cluster; a jar that cannot be prepared runs as it is, and the report says so.
 */
final class ShippedLayout {

    private static final long TRAINING_TIMEOUT_SECONDS = 180;

    private ShippedLayout() {}

    /**
     * How to launch the jar: {@code -XX:SharedArchiveFile=… -jar extracted.jar}, or {@code -jar jar}
     * when extraction or training failed.
     *
     * @param jar the snapshot of the jar in the work dir
     * @param jvmOpts the JVM options the gateway runs with (the archive is recorded with the same)
     * @param trainingArgs application arguments for the training run (no ports, no upstreams needed)
     * @param notes where to say what was done or what failed
     */
    static List<String> prepare(
            Settings settings, Path jar, List<String> jvmOpts, List<String> trainingArgs, List<String> notes)
            throws IOException, InterruptedException {
        String name = jar.getFileName().toString().replaceFirst("\\.jar$", "");
        Path dir = jar.resolveSibling(name + "-extracted");
        Path log = jar.resolveSibling(name + "-training.log");
        List<String> extract = List.of(
                settings.java(),
                "-Djarmode=tools",
                "-jar",
                jar.toString(),
                "extract",
                "--force",
                "--destination",
                dir.toString());
        Path extracted = dir.resolve(jar.getFileName());
        Path archive = dir.resolve(name + ".jsa");
        List<String> training = new ArrayList<>(List.of(settings.java()));
        training.addAll(jvmOpts);
        training.add("-XX:ArchiveClassesAtExit=" + archive);
        training.add("-Dspring.context.exit=onRefresh");
        training.add("-jar");
        training.add(extracted.toString());
        training.addAll(trainingArgs);
        Files.deleteIfExists(archive);
        if (!run(extract, log)
                || !Files.isRegularFile(extracted)
                || !run(training, log)
                || !Files.isRegularFile(archive)) {
            notes.add(jar.getFileName() + ": could not be extracted or trained (see " + log + "), run as a fat jar");
            return List.of("-jar", jar.toString());
        }
        notes.add(jar.getFileName() + ": run extracted with a CDS archive from a training run, as the image does");
        return List.of("-XX:SharedArchiveFile=" + archive, "-jar", extracted.toString());
    }

    private static boolean run(List<String> command, Path log) throws IOException, InterruptedException {
        Files.writeString(
                log,
                "$ " + String.join(" ", command) + System.lineSeparator(),
                StandardCharsets.UTF_8,
                StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
        Process process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        if (!process.waitFor(TRAINING_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
            return false;
        }
        return process.exitValue() == 0;
    }
}
