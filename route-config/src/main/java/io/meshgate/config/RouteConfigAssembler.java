package io.meshgate.config;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Merges the parsed files of one configuration into a {@link RouteConfig}: names must be unique
 * across all files (upstream names, route ids) and every backend must name a declared upstream.
 */
final class RouteConfigAssembler {

    /** At most this many upstream names are listed in an "is not defined" message. */
    private static final int MAX_NAMES_LISTED = 20;

    /** Errors in reading order: by file, then line, then column. */
    static final Comparator<ConfigError> READING_ORDER = Comparator.comparing(
                    (ConfigError error) -> error.location().file())
            .thenComparingInt(error -> error.location().line())
            .thenComparingInt(error -> error.location().column());

    private RouteConfigAssembler() {}

    /**
     * The merged configuration.
     *
     * @param files the parsed files in load order
     * @param earlierErrors errors found before parsing (unreadable files), reported with the rest
     * @throws ConfigException with every error of every file, in reading order
     */
    static RouteConfig assemble(List<RouteFile> files, List<ConfigError> earlierErrors, String version)
            throws ConfigException {
        List<ConfigError> errors = new ArrayList<>(earlierErrors);
        Map<String, SourceLocation> declared = new LinkedHashMap<>();
        Map<String, Upstream> upstreams = new LinkedHashMap<>();
        Map<String, SourceLocation> routeIds = new LinkedHashMap<>();
        List<Route> routes = new ArrayList<>();
        for (RouteFile file : files) {
            errors.addAll(file.errors());
            file.declaredUpstreams().forEach((name, location) -> {
                SourceLocation first = declared.putIfAbsent(name, location);
                if (first != null) {
                    errors.add(
                            new ConfigError(location, "duplicate upstream '" + name + "'; first defined at " + first));
                }
            });
            for (Upstream upstream : file.upstreams()) {
                upstreams.putIfAbsent(upstream.name(), upstream);
            }
            for (Route route : file.routes()) {
                if (route.id() != null) {
                    SourceLocation first = routeIds.putIfAbsent(route.id(), route.location());
                    if (first != null) {
                        errors.add(new ConfigError(
                                route.location(),
                                "duplicate route id '" + route.id() + "'; first defined at " + first));
                    }
                }
                routes.add(route);
            }
        }
        for (Route route : routes) {
            for (Backend backend : route.backends()) {
                if (!declared.containsKey(backend.upstream())) {
                    errors.add(new ConfigError(backend.location(), undefined(route, backend, declared)));
                }
            }
        }
        checkFailovers(upstreams, declared, errors);
        for (Upstream upstream : upstreams.values()) {
            CircuitBreakerPolicy breaker = upstream.circuitBreaker();
            if (breaker != null && breaker.fallback() != null && !declared.containsKey(breaker.fallback())) {
                errors.add(new ConfigError(
                        breaker.location(),
                        "upstream '" + upstream.name() + "' falls back to upstream '" + breaker.fallback()
                                + "', which is not defined"));
            }
        }
        if (!errors.isEmpty()) {
            errors.sort(READING_ORDER);
            throw new ConfigException(errors);
        }
        List<String> names = files.stream().map(RouteFile::name).toList();
        return new RouteConfig(upstreams, routes, version, names);
    }

    private static String undefined(Route route, Backend backend, Map<String, SourceLocation> declared) {
        String label = route.id() == null ? "route" : "route '" + route.id() + "'";
        String message = label + " refers to upstream '" + backend.upstream() + "', which is not defined; ";
        if (declared.isEmpty()) {
            return message + "no upstreams are defined";
        }
        List<String> names = new ArrayList<>(declared.keySet());
        String listed = String.join(", ", names.subList(0, Math.min(names.size(), MAX_NAMES_LISTED)));
        return message + "defined upstreams: " + listed + (names.size() > MAX_NAMES_LISTED ? ", ..." : "");
    }

    /** Each failover names another declared upstream, and no chain of failovers comes back to its start. */
    private static void checkFailovers(
            Map<String, Upstream> upstreams, Map<String, SourceLocation> declared, List<ConfigError> errors) {
        for (Upstream upstream : upstreams.values()) {
            String target = upstream.policy().failover();
            if (target == null) {
                continue;
            }
            SourceLocation at = upstream.policy().failoverLocation();
            String label = "upstream '" + upstream.name() + "'";
            if (target.equals(upstream.name())) {
                errors.add(new ConfigError(at, label + " cannot fail over to itself"));
            } else if (!declared.containsKey(target)) {
                errors.add(new ConfigError(
                        at,
                        label + " fails over to upstream '" + target + "', which is not defined; defined upstreams: "
                                + String.join(", ", declared.keySet())));
            } else {
                List<String> chain = new ArrayList<>(List.of(upstream.name()));
                for (String next = target; next != null; ) {
                    chain.add(next);
                    if (next.equals(upstream.name())) {
                        errors.add(new ConfigError(
                                at, label + ": failover chain leads back to itself: " + String.join(" -> ", chain)));
                        break;
                    }
                    Upstream hop = upstreams.get(next);
                    next = hop == null || chain.size() > upstreams.size()
                            ? null
                            : hop.policy().failover();
                }
            }
        }
    }
}
