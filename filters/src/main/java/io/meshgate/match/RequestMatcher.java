package io.meshgate.match;

import io.meshgate.config.ConfigError;
import io.meshgate.config.ConfigException;
import io.meshgate.config.RouteMatch;
import io.meshgate.config.ValueMatch;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.http.HttpHeaders;
import org.springframework.http.server.PathContainer;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;
import org.springframework.web.util.pattern.PatternParseException;

/**
 * A route's {@link RouteMatch} compiled for the request path: host, path patterns, methods, headers
 * and query parameters, all checked synchronously without allocation beyond what Spring caches on
 * the request.
 */
public final class RequestMatcher {

    /** How Spring WebFlux splits a query string, so both request paths read the same parameters. */
    private static final Pattern QUERY_PARAM = Pattern.compile("([^&=]+)(=?)([^&]+)?");

    private final HostMatcher hosts;
    private final PathPattern[] paths;
    private final Set<String> methods;
    private final ValueMatcher[] headers;
    private final ValueMatcher[] queryParams;
    /** The match as written, for {@link #explain}'s messages only. */
    private final RouteMatch source;

    private RequestMatcher(
            RouteMatch source,
            HostMatcher hosts,
            PathPattern[] paths,
            Set<String> methods,
            ValueMatcher[] headers,
            ValueMatcher[] queryParams) {
        this.source = source;
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
                match,
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

    /**
     * Whether a request as Netty decoded it takes this route: the same conditions as {@link
     * #matches(ServerHttpRequest)}, read from the request line and headers without Spring's request
     * object (the HTTP/1.1 pass-through path has none).
     */
    public boolean matches(HttpRequest request) {
        if (!methods.isEmpty() && !methods.contains(request.method().name())) {
            return false;
        }
        io.netty.handler.codec.http.HttpHeaders requestHeaders = request.headers();
        if (!hosts.matches(requestHeaders.get(HttpHeaderNames.HOST))) {
            return false;
        }
        String uri = request.uri();
        if (paths.length > 0 && !matchesPath(PathContainer.parsePath(rawPath(uri)))) {
            return false;
        }
        for (ValueMatcher header : headers) {
            if (!header.matches(requestHeaders.get(header.name()))) {
                return false;
            }
        }
        if (queryParams.length > 0) {
            MultiValueMap<String, String> params = queryParams(uri);
            for (ValueMatcher param : queryParams) {
                if (!param.matches(params.getFirst(param.name()))) {
                    return false;
                }
            }
        }
        return true;
    }

    /** The path of an origin-form request target: up to the query or fragment. */
    static String rawPath(String uri) {
        for (int i = 0; i < uri.length(); i++) {
            char c = uri.charAt(i);
            if (c == '?' || c == '#') {
                return uri.substring(0, i);
            }
        }
        return uri;
    }

    /** The query parameters of a request target, split and decoded as Spring WebFlux does. */
    static MultiValueMap<String, String> queryParams(String uri) {
        MultiValueMap<String, String> params = new LinkedMultiValueMap<>();
        int start = uri.indexOf('?');
        if (start < 0) {
            return params;
        }
        int end = uri.indexOf('#', start);
        Matcher matcher = QUERY_PARAM.matcher(end < 0 ? uri.substring(start + 1) : uri.substring(start + 1, end));
        while (matcher.find()) {
            String name = decode(matcher.group(1));
            String equals = matcher.group(2);
            String value = matcher.group(3);
            params.add(name, value != null ? decode(value) : (equals.isEmpty() ? null : ""));
        }
        return params;
    }

    private static String decode(String text) {
        try {
            return URLDecoder.decode(text, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException malformed) {
            return text;
        }
    }

    /**
     * Why a request of these parts does not take this route: the first condition that fails, in the
     * order {@link #matches} checks them, or null if the request matches. For the admin "explain" view,
     * not the request path; it applies the same compiled conditions as {@link #matches}.
     *
     * @param method the request method, such as {@code GET}
     * @param host the {@code Host} header (a port is ignored), null when absent
     * @param path the path, without query string
     * @param requestHeaders request headers (names case-insensitive)
     * @param query query parameters
     */
    public String explain(
            String method, String host, String path, HttpHeaders requestHeaders, MultiValueMap<String, String> query) {
        if (!methods.isEmpty() && !methods.contains(method)) {
            return "method " + method + " is not one of "
                    + source.methods().stream().sorted().toList();
        }
        if (!hosts.matches(host)) {
            return (host == null ? "no Host header" : "host '" + host + "'") + " does not match " + source.hosts();
        }
        if (paths.length > 0 && !matchesPath(PathContainer.parsePath(path))) {
            return "path '" + path + "' matches none of " + source.paths();
        }
        for (int i = 0; i < headers.length; i++) {
            ValueMatcher header = headers[i];
            String actual = requestHeaders.getFirst(header.name());
            if (!header.matches(actual)) {
                return "header " + header.name() + " "
                        + describe(actual, source.headers().get(i));
            }
        }
        for (int i = 0; i < queryParams.length; i++) {
            ValueMatcher param = queryParams[i];
            String actual = query.getFirst(param.name());
            if (!param.matches(actual)) {
                return "query parameter " + param.name() + " "
                        + describe(actual, source.queryParams().get(i));
            }
        }
        return null;
    }

    private static String describe(String actual, ValueMatch expected) {
        String wanted =
                switch (expected.kind()) {
                    case EXACT -> "equal to '" + expected.value() + "'";
                    case PREFIX -> "starting with '" + expected.value() + "'";
                    case REGEX -> "matching /" + expected.value() + "/";
                    case PRESENT -> "present";
                };
        return actual == null ? "is absent; expected " + wanted : "'" + actual + "' is not " + wanted;
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
