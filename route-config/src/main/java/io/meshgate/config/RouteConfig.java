package io.meshgate.config;

import java.util.List;
import java.util.Map;

/**
 * One complete, validated configuration: every route file of the source merged. Immutable; a reload
 * builds a new one and swaps it in whole.
 *
 * @param upstreams upstreams by name, in declaration order
 * @param routes routes in match order (files by name, then declaration order within a file)
 * @param version a content hash of all source files, stable for identical input
 * @param files the files this configuration was read from, in load order
 * @param eastWest the {@code eastWest} entries as written; the upstreams and mesh routes made for their
 *     Services are already in {@code upstreams} and {@code routes} (after the written routes)
 */
public record RouteConfig(
        Map<String, Upstream> upstreams,
        List<Route> routes,
        String version,
        List<String> files,
        List<EastWest> eastWest) {

    public RouteConfig {
        upstreams = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(upstreams));
        routes = List.copyOf(routes);
        files = List.copyOf(files);
        eastWest = List.copyOf(eastWest);
    }

    /** A configuration without east-west entries. */
    public RouteConfig(Map<String, Upstream> upstreams, List<Route> routes, String version, List<String> files) {
        this(upstreams, routes, version, files, List.of());
    }
}
