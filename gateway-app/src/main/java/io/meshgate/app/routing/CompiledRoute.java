package io.meshgate.app.routing;

import io.meshgate.match.RequestMatcher;
import org.springframework.cloud.gateway.route.Route;

/** A route ready for traffic: its compiled matcher and the Spring Cloud Gateway route it leads to. */
record CompiledRoute(RequestMatcher matcher, Route route) {}
