package io.meshgate.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;

/**
 * A cheap summary of a route source (names, sizes, modification times and link targets of its
 * files and of the ConfigMap {@code ..data} link), compared once a second as a safety net for
 * changes the file system's notifications miss: network file systems, some container runtimes,
 * and platforms where {@code WatchService} polls slowly.
 */
final class SourceFingerprint {

    private SourceFingerprint() {}

    /** The fingerprint of a source now; a missing source has a fingerprint too. */
    static List<String> of(Path source) {
        List<String> parts = new ArrayList<>();
        Path directory =
                Files.isDirectory(source) ? source : source.toAbsolutePath().getParent();
        if (directory != null) {
            describe(directory.resolve("..data"), parts);
        }
        try {
            for (Path file : RouteFiles.list(source)) {
                describe(file, parts);
            }
        } catch (IOException | UncheckedIOException e) {
            parts.add("unlistable " + e);
        }
        return parts;
    }

    private static void describe(Path path, List<String> parts) {
        StringBuilder part = new StringBuilder(path.getFileName().toString());
        try {
            if (Files.isSymbolicLink(path)) {
                part.append(" -> ").append(Files.readSymbolicLink(path));
            }
            if (Files.exists(path)) {
                BasicFileAttributes attributes = Files.readAttributes(path, BasicFileAttributes.class);
                part.append(' ').append(attributes.size()).append(' ').append(attributes.lastModifiedTime());
                BasicFileAttributes link =
                        Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                part.append(' ').append(link.lastModifiedTime());
            } else if (!Files.isSymbolicLink(path)) {
                return;
            }
        } catch (IOException e) {
            // Raced with a change (a file deleted between list and stat): the difference is the signal.
            part.append(" unreadable");
        }
        parts.add(part.toString());
    }
}
