package io.meshgate.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one route file declares, before it is merged with the other files of the configuration and
 * its references are checked. Parts with errors are kept where possible (with placeholder values),
 * so that cross-file checks still run and a user sees every problem at once; a file with errors is
 * never turned into a {@link RouteConfig}.
 */
record RouteFile(
        String name,
        Map<String, SourceLocation> declaredUpstreams,
        List<Upstream> upstreams,
        List<Route> routes,
        List<EastWest> eastWest,
        List<ConfigError> errors) {

    /**
     * @param declaredUpstreams every upstream name the file declares, with its location, including
     *     upstreams whose body has errors: a route that refers to one of those is not reported as
     *     referring to an undefined upstream as well
     */
    RouteFile {
        declaredUpstreams = Collections.unmodifiableMap(new LinkedHashMap<>(declaredUpstreams));
        upstreams = List.copyOf(upstreams);
        routes = List.copyOf(routes);
        eastWest = List.copyOf(eastWest);
        errors = List.copyOf(errors);
    }
}
