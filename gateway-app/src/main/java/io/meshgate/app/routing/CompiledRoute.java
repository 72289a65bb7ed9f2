package io.meshgate.app.routing;

import io.meshgate.app.proxy.DirectRoute;
import io.meshgate.match.RequestMatcher;
import org.springframework.cloud.gateway.route.Route;

/**
 * A route ready for traffic: its compiled matcher, the Spring Cloud Gateway route it leads to, and,
 * when it has no Spring Cloud Gateway filters, the {@link DirectRoute} the direct proxy serves it by
 * (null otherwise); and the listeners it is reached on.
 */
record CompiledRoute(RequestMatcher matcher, Route route, DirectRoute direct, boolean onPublic, boolean onMesh) {}
