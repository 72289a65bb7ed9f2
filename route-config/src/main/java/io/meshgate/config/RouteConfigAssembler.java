package io.meshgate.config;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

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
        List<EastWest> eastWest = new ArrayList<>();
        for (RouteFile file : files) {
            eastWest.addAll(file.eastWest());
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
        addEastWest(eastWest, declared, upstreams, routeIds, routes, errors);
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
        return new RouteConfig(upstreams, routes, version, names, eastWest);
    }

    /**
     * Makes an upstream and a mesh route for each Service of the {@code eastWest} entries, after the
     * written routes so that those win. A namespace is in one entry only, and the names made must
     * not be taken by written upstreams or routes.
     */
    private static void addEastWest(
            List<EastWest> eastWest,
            Map<String, SourceLocation> declared,
            Map<String, Upstream> upstreams,
            Map<String, SourceLocation> routeIds,
            List<Route> routes,
            List<ConfigError> errors) {
        Map<String, SourceLocation> namespaces = new LinkedHashMap<>();
        for (EastWest entry : eastWest) {
            SourceLocation at = entry.location();
            SourceLocation first = namespaces.putIfAbsent(entry.namespace(), at);
            if (first != null) {
                errors.add(new ConfigError(
                        at,
                        "namespace '" + entry.namespace() + "' is already in eastWest at " + first
                                + "; list all its Services in one entry"));
                continue;
            }
            for (String service : entry.services()) {
                String name = EastWest.routeName(service, entry.namespace());
                String taken = declared.containsKey(name)
                        ? "upstream '" + name + "', already defined at " + declared.get(name)
                        : routeIds.containsKey(name)
                                ? "route id '" + name + "', already used at " + routeIds.get(name)
                                : null;
                if (taken != null) {
                    errors.add(new ConfigError(
                            at,
                            "eastWest Service '" + service + "' of namespace '" + entry.namespace() + "' needs the "
                                    + taken + "; rename that one"));
                    continue;
                }
                declared.put(name, at);
                routeIds.put(name, at);
                upstreams.put(
                        name,
                        new Upstream(name, new KubernetesService(service, entry.namespace(), entry.port(), at), at));
                RouteMatch match = new RouteMatch(
                        EastWest.hosts(service, entry.namespace()), List.of(), Set.of(), List.of(), List.of(), at);
                routes.add(new Route(
                        name,
                        match,
                        List.of(new Backend(name, 1, at)),
                        Route.DEFAULT_TIMEOUT,
                        List.of(),
                        at,
                        RetryPolicy.DEFAULT,
                        Set.of(Listener.MESH),
                        entry.authorization()));
            }
        }
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
