package io.meshgate.match;

import io.meshgate.config.ConfigError;
import io.meshgate.config.ConfigException;
import io.meshgate.config.RouteMatch;
import io.meshgate.config.ValueMatch;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.springframework.http.HttpHeaders;
import org.springframework.http.server.PathContainer;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;
import org.springframework.web.util.pattern.PatternParseException;

/**
 * A route's {@link RouteMatch} compiled for the request path: host, path patterns, methods, headers
 * and query parameters, all checked synchronously without allocation beyond what Spring caches on
 * the request.
 */
public final class RequestMatcher {

    private final HostMatcher hosts;
    private final PathPattern[] paths;
    private final Set<String> methods;
    private final ValueMatcher[] headers;
    private final ValueMatcher[] queryParams;

    private RequestMatcher(
            HostMatcher hosts,
            PathPattern[] paths,
            Set<String> methods,
            ValueMatcher[] headers,
            ValueMatcher[] queryParams) {
        this.hosts = hosts;
        this.paths = paths;
        this.methods = methods;
        this.headers = headers;
        this.queryParams = queryParams;
    }

    /**
     * Compiles a match. Path patterns are parsed here, so a bad pattern is a configuration error that
     * names its location, not a failure at request time.
     */
    public static RequestMatcher compile(RouteMatch match) throws ConfigException {
        List<ConfigError> errors = new ArrayList<>();
        List<PathPattern> paths = new ArrayList<>();
        for (String path : match.paths()) {
            try {
                paths.add(PathPatternParser.defaultInstance.parse(path));
            } catch (PatternParseException e) {
                errors.add(new ConfigError(
                        match.location(),
                        "path pattern '" + path + "' is not valid: " + e.getMessage()
                                + "; expected a Spring path pattern such as /orders/** or /users/{id}"));
            }
        }
        if (!errors.isEmpty()) {
            throw new ConfigException(errors);
        }
        return new RequestMatcher(
                HostMatcher.of(match.hosts()),
                paths.toArray(PathPattern[]::new),
                Set.copyOf(match.methods()),
                compileValues(match.headers()),
                compileValues(match.queryParams()));
    }

    private static ValueMatcher[] compileValues(List<ValueMatch> values) {
        return values.stream().map(ValueMatcher::of).toArray(ValueMatcher[]::new);
    }

    /** Whether the request takes this route. Cheapest checks first. */
    public boolean matches(ServerHttpRequest request) {
        if (!methods.isEmpty() && !methods.contains(request.getMethod().name())) {
            return false;
        }
        HttpHeaders requestHeaders = request.getHeaders();
        if (!hosts.matches(requestHeaders.getFirst(HttpHeaders.HOST))) {
            return false;
        }
        if (paths.length > 0 && !matchesPath(request.getPath().pathWithinApplication())) {
            return false;
        }
        for (ValueMatcher header : headers) {
            if (!header.matches(requestHeaders.getFirst(header.name()))) {
                return false;
            }
        }
        if (queryParams.length > 0) {
            var params = request.getQueryParams();
            for (ValueMatcher param : queryParams) {
                if (!param.matches(params.getFirst(param.name()))) {
                    return false;
                }
            }
        }
        return true;
    }

    private boolean matchesPath(PathContainer path) {
        for (PathPattern pattern : paths) {
            if (pattern.matches(path)) {
                return true;
            }
        }
        return false;
    }
}
