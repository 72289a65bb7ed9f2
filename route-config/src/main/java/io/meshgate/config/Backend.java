package io.meshgate.config;

/**
 * One upstream a route sends a share of its requests to.
 *
 * @param weight relative share, 0 or more; the route's weights must not sum to 0; default 1
 */
public record Backend(String upstream, int weight, SourceLocation location) {}
