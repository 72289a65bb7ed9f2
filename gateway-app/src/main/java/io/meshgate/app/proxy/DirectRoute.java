package io.meshgate.app.proxy;

import io.meshgate.balance.UpstreamPool;
import io.meshgate.metrics.RouteMeters;
import io.meshgate.split.WeightedSplit;
import java.time.Duration;

/**
 * What the direct proxy needs of a route that has no Spring Cloud Gateway filters: its backends,
 * its timeout and its meters. Built once per configuration.
 */
public record DirectRoute(String id, WeightedSplit<UpstreamPool> backends, Duration timeout, RouteMeters meters) {}
