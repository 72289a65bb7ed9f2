package io.meshgate.app.quickstart;

import io.meshgate.app.MeshgateProperties;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts the bundled quickstart route file (route-config/examples/quickstart.yaml) in a fresh
 * directory, so the quickstart runs with no arguments and a user can edit the file and watch the
 * gateway reload it.
 */
public final class QuickstartRoutes {

    private static final Logger log = LoggerFactory.getLogger(QuickstartRoutes.class);
    private static final String RESOURCE = "/io/meshgate/app/quickstart/quickstart.yaml";

    private QuickstartRoutes() {}

    public static Path extract(MeshgateProperties.Quickstart quickstart) throws IOException {
        String routes;
        try (InputStream in = QuickstartRoutes.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new UncheckedIOException(new IOException("missing bundled " + RESOURCE));
            }
            routes = new String(in.readAllBytes(), StandardCharsets.UTF_8)
                    .replace("127.0.0.1:18081", "127.0.0.1:" + quickstart.v1Port())
                    .replace("127.0.0.1:18082", "127.0.0.1:" + quickstart.v2Port());
        }
        Path directory = Files.createTempDirectory("meshgate-quickstart-");
        Path file = directory.resolve("quickstart.yaml");
        Files.writeString(file, routes);
        log.info("Quickstart routes are in {}: edit the file and meshgate reloads it.", file);
        return directory;
    }
}
