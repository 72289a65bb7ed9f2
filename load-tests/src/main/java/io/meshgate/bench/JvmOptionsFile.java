package io.meshgate.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * meshgate's shipped JVM options ({@code k8s/jvm.options}, a {@code java @file} argument file): one
 * option per line, {@code #} comments. The harness runs every gateway with them, so what it measures
 * is what the image runs.
 */
final class JvmOptionsFile {

    private JvmOptionsFile() {}

    /** The options in the file, in order. */
    static List<String> read(Path file) {
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8).stream()
                    .map(String::strip)
                    .filter(line -> !line.isEmpty() && !line.startsWith("#"))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read meshgate's JVM options " + file + ": " + e, e);
        }
    }
}
