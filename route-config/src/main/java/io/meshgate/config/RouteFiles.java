package io.meshgate.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Finds and reads the route files of a source, which is one file or a directory. In a directory
 * the files are the non-hidden {@code .yaml}/{@code .yml} files directly in it (symbolic links
 * followed), sorted by name. Skipping hidden names is what makes a mounted Kubernetes ConfigMap
 * work: its real files sit in {@code ..2026_11_24_...} directories behind a {@code ..data} link.
 */
final class RouteFiles {

    private RouteFiles() {}

    /** Whether a directory entry of this name is a route file. */
    static boolean isRouteFileName(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return !name.startsWith(".") && (lower.endsWith(".yaml") || lower.endsWith(".yml"));
    }

    /**
     * The candidate files of a source: the source itself if it is a file, else the directory's
     * route files sorted by name (including broken links, so they can be reported).
     */
    static List<Path> list(Path source) throws IOException {
        if (!Files.isDirectory(source)) {
            return List.of(source);
        }
        try (Stream<Path> entries = Files.list(source)) {
            return entries.map(Path::getFileName)
                    .map(Path::toString)
                    .filter(RouteFiles::isRouteFileName)
                    .sorted()
                    .map(source::resolve)
                    .filter(path -> !Files.isDirectory(path))
                    .toList();
        }
    }

    /**
     * Reads every route file of the source. Files that cannot be read become errors in {@code
     * errors}; the others are returned in load order.
     */
    static List<RouteSource> read(Path source, List<ConfigError> errors) {
        String sourceName = source.toString();
        if (!Files.exists(source)) {
            errors.add(new ConfigError(
                    SourceLocation.unknown(sourceName),
                    Files.isSymbolicLink(source) ? "broken symbolic link" : "no such file or directory"));
            return List.of();
        }
        List<Path> files;
        try {
            files = list(source);
        } catch (IOException | UncheckedIOException e) {
            errors.add(new ConfigError(SourceLocation.unknown(sourceName), "cannot list directory: " + e));
            return List.of();
        }
        List<RouteSource> sources = new ArrayList<>();
        for (Path file : files) {
            String name = file.toString();
            try {
                sources.add(new RouteSource(name, readText(file)));
            } catch (IOException e) {
                errors.add(new ConfigError(SourceLocation.unknown(name), describe(file, e)));
            }
        }
        return sources;
    }

    private static String readText(Path file) throws IOException {
        // Checked before reading so a huge file is never pulled into memory.
        if (Files.size(file) > RouteFileParser.MAX_CODE_POINTS) {
            throw new IOException("file is larger than " + RouteFileParser.MAX_CODE_POINTS / (1024 * 1024) + " MB");
        }
        return Files.readString(file, StandardCharsets.UTF_8);
    }

    private static String describe(Path file, IOException e) {
        if (e instanceof NoSuchFileException) {
            return Files.isSymbolicLink(file) ? "broken symbolic link" : "file disappeared while reading";
        }
        if (e instanceof CharacterCodingException) {
            return "cannot read: not UTF-8 text";
        }
        if (e.getClass() == IOException.class) {
            return "cannot read: " + e.getMessage();
        }
        return "cannot read: " + e;
    }
}
