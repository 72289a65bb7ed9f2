package io.meshgate.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Loads route files into one validated {@link RouteConfig}, or rejects them with every error
 * found ({@code file:line:column: message}). This is the entry point of the module: the gateway
 * calls it at start and on every change the {@link ConfigWatcher} reports.
 */
public final class RouteConfigLoader {

    /**
     * The class-path location of the JSON Schema of route files (draft 2020-12), for serving it to
     * editors and tools.
     */
    public static final String SCHEMA_RESOURCE = "/io/meshgate/config/meshgate-routes.schema.json";

    private RouteConfigLoader() {}

    /**
     * Loads a file, or every route file of a directory: the non-hidden {@code *.yaml} and {@code
     * *.yml} files directly in it (symbolic links followed), in file-name order. Each file is read
     * in one go, so a file replaced by an atomic rename during the load is seen whole, old or new.
     *
     * @throws ConfigException if the source is missing, a file cannot be read, or any file has an
     *     error; error locations name each file as {@code source.resolve(fileName)}
     */
    public static RouteConfig load(Path source) throws ConfigException {
        List<ConfigError> readErrors = new ArrayList<>();
        List<RouteSource> sources = RouteFiles.read(source, readErrors);
        return load(sources, readErrors);
    }

    /**
     * Loads route files given as text (tests, dry runs of an edit before it is applied). Files are
     * taken in name order, as from a directory.
     *
     * @throws ConfigException if any file has an error
     * @throws IllegalArgumentException if two sources have the same name
     */
    public static RouteConfig load(List<RouteSource> sources) throws ConfigException {
        return load(sources, List.of());
    }

    private static RouteConfig load(List<RouteSource> sources, List<ConfigError> readErrors) throws ConfigException {
        Set<String> names = new HashSet<>();
        for (RouteSource source : sources) {
            if (!names.add(source.name())) {
                throw new IllegalArgumentException("two route sources are named " + source.name());
            }
        }
        List<RouteSource> sorted =
                sources.stream().sorted(Comparator.comparing(RouteSource::name)).toList();
        List<RouteFile> files = sorted.stream().map(RouteFileParser::parse).toList();
        return RouteConfigAssembler.assemble(files, readErrors, ConfigVersion.of(sorted));
    }
}
