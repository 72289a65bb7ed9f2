package io.meshgate.config;

import java.util.List;

/** Endpoints written in the route file ({@code endpoints: [...]}). */
public record StaticEndpoints(List<StaticEndpoint> endpoints) implements UpstreamSource {

    public StaticEndpoints {
        endpoints = List.copyOf(endpoints);
    }
}
