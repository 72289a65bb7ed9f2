package io.meshgate.app;

import java.nio.file.Path;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Process-level meshgate settings ({@code meshgate.*} in {@code application.yaml} or on the
 * command line).
 *
 * @param routes the route file or directory of route files; required unless the quickstart runs
 * @param quickstart the self-contained demo
 */
@ConfigurationProperties("meshgate")
public record MeshgateProperties(Path routes, @DefaultValue Quickstart quickstart) {

    /**
     * The quickstart: two demo echo upstreams on loopback and the bundled example routes.
     *
     * @param enabled on with the {@code quickstart} profile
     * @param v1Port port of the {@code echo-v1} demo upstream
     * @param v2Port port of the {@code echo-v2} demo upstream
     */
    public record Quickstart(
            @DefaultValue("false") boolean enabled,
            @DefaultValue("18081") int v1Port,
            @DefaultValue("18082") int v2Port) {}
}
