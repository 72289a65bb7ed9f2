package io.meshgate.config;

import java.util.List;
import java.util.Set;

/**
 * What a request must look like to take a route. Every listed condition must hold; an empty list
 * means "any".
 *
 * @param hosts host patterns: exact ({@code api.example.com}), leading wildcard ({@code
 *     *.example.com}) or {@code *}; compared case-insensitively, without the port
 * @param paths Spring path patterns ({@code /orders/**}, {@code /users/{id}}); any one may match
 * @param methods upper-case HTTP methods; any one may match
 * @param headers header conditions; all must hold
 * @param queryParams query parameter conditions; all must hold
 */
public record RouteMatch(
        List<String> hosts,
        List<String> paths,
        Set<String> methods,
        List<ValueMatch> headers,
        List<ValueMatch> queryParams,
        SourceLocation location) {

    public RouteMatch {
        hosts = List.copyOf(hosts);
        paths = List.copyOf(paths);
        methods = Set.copyOf(methods);
        headers = List.copyOf(headers);
        queryParams = List.copyOf(queryParams);
    }

    /** The match of a route that has no {@code match:} key: every request. */
    public static RouteMatch any(SourceLocation location) {
        return new RouteMatch(List.of(), List.of(), Set.of(), List.of(), List.of(), location);
    }
}
