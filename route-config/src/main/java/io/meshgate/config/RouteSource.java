package io.meshgate.config;

import java.util.Objects;

/**
 * The text of one route file and the name errors should show for it: the unit {@link
 * RouteConfigLoader} reads, whether it came from disk, a test or an admin dry-run request.
 *
 * @param name the file's name as the user knows it ({@code /etc/meshgate/routes/orders.yaml})
 * @param text the file's content
 */
public record RouteSource(String name, String text) {

    public RouteSource {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(text, "text");
    }
}
