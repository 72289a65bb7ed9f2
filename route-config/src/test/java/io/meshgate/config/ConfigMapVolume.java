package io.meshgate.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;

/**
 * A directory laid out the way the kubelet mounts a ConfigMap, updated the way the kubelet updates
 * it: the files live in a timestamped {@code ..2026_11_24_...} directory, {@code ..data} links to
 * it, each visible file links through {@code ..data}, and an update writes a new timestamped
 * directory, points a {@code ..data_tmp} link at it and renames that over {@code ..data}.
 */
public final class ConfigMapVolume {

    private final Path directory;
    private int generation;
    private Path current;

    private ConfigMapVolume(Path directory) {
        this.directory = directory;
    }

    /** Creates the volume in {@code directory} with the given files (name to content). */
    public static ConfigMapVolume create(Path directory, Map<String, String> files) throws IOException {
        ConfigMapVolume volume = new ConfigMapVolume(directory);
        Path data = volume.writeGeneration(files);
        Files.createSymbolicLink(directory.resolve("..data"), data.getFileName());
        for (String name : files.keySet()) {
            Files.createSymbolicLink(directory.resolve(name), Path.of("..data", name));
        }
        volume.current = data;
        return volume;
    }

    /** Replaces the content of the existing files, atomically for readers, as the kubelet does. */
    public void update(Map<String, String> files) throws IOException {
        Path previous = current;
        Path data = writeGeneration(files);
        Path tmp = directory.resolve("..data_tmp");
        Files.createSymbolicLink(tmp, data.getFileName());
        Files.move(tmp, directory.resolve("..data"), StandardCopyOption.ATOMIC_MOVE);
        current = data;
        for (String name : files.keySet()) {
            Files.delete(previous.resolve(name));
        }
        Files.delete(previous);
    }

    public Path directory() {
        return directory;
    }

    private Path writeGeneration(Map<String, String> files) throws IOException {
        generation++;
        Path data = directory.resolve(String.format("..2026_11_24_12_00_%02d.%09d", generation, generation));
        Files.createDirectory(data);
        for (Map.Entry<String, String> file : files.entrySet()) {
            Files.writeString(data.resolve(file.getKey()), file.getValue());
        }
        return data;
    }
}
