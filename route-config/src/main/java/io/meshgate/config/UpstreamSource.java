package io.meshgate.config;

/** Where an upstream's endpoints come from. */
public sealed interface UpstreamSource permits StaticEndpoints, KubernetesService {}
