package io.meshgate.app.admin;

import io.meshgate.app.routing.RouteTable;
import io.meshgate.balance.Endpoint;
import io.meshgate.balance.EndpointStats;
import io.meshgate.balance.UpstreamPool;
import io.meshgate.config.Backend;
import io.meshgate.config.KubernetesService;
import io.meshgate.config.Route;
import io.meshgate.config.StaticEndpoint;
import io.meshgate.config.StaticEndpoints;
import io.meshgate.config.Upstream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.http.HttpHeaders;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * Answers "where would this request go, and why?" for the admin view {@code
 * /actuator/meshgate/explain}: the routes tried in order with the condition each failed, the route
 * that takes the request, its backends with their share of traffic and their endpoints, and what is
 * not eligible and why. Reads the active {@link RouteTable}; nothing is sent anywhere.
 */
final class RouteExplainer {

    private RouteExplainer() {}

    /**
     * @param mesh whether the request is one of the mesh listener (else the public one)
     * @param method request method (default GET)
     * @param host the Host header, null for none
     * @param pathAndQuery the path, optionally with a query string
     * @param headerLines headers as {@code name:value}
     */
    static Map<String, Object> explain(
            RouteTable table, boolean mesh, String method, String host, String pathAndQuery, List<String> headerLines) {
        String verb = method == null || method.isBlank() ? "GET" : method.toUpperCase(Locale.ROOT);
        String path = pathAndQuery;
        MultiValueMap<String, String> query = new LinkedMultiValueMap<>();
        int mark = pathAndQuery.indexOf('?');
        if (mark >= 0) {
            path = pathAndQuery.substring(0, mark);
            query = UriComponentsBuilder.fromUriString("/?" + pathAndQuery.substring(mark + 1))
                    .build()
                    .getQueryParams();
        }
        HttpHeaders headers = new HttpHeaders();
        if (host != null) {
            headers.set(HttpHeaders.HOST, host);
        }
        for (String line : headerLines) {
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw new InvalidEndpointRequestException(
                        "header '" + line + "' is not name:value", "header '" + line + "' is not name:value");
            }
            headers.add(
                    line.substring(0, colon).strip(), line.substring(colon + 1).strip());
        }

        Map<String, Object> answer = new LinkedHashMap<>();
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("listener", mesh ? "mesh" : "public");
        request.put("method", verb);
        request.put("host", host);
        request.put("path", path);
        request.put("query", query.toSingleValueMap());
        request.put("headers", headers.toSingleValueMap());
        answer.put("request", request);
        answer.put("version", table.version());

        List<RouteTable.Tried> tried = table.explain(mesh, verb, host, path, headers, query);
        List<Map<String, Object>> routes = new ArrayList<>();
        String matched = null;
        for (RouteTable.Tried route : tried) {
            Map<String, Object> view = new LinkedHashMap<>();
            view.put("id", route.routeId());
            view.put("matches", route.failed() == null);
            if (route.failed() != null) {
                view.put("because", route.failed());
            } else {
                matched = route.routeId();
            }
            routes.add(view);
        }
        answer.put("tried", routes);
        if (matched == null) {
            answer.put("route", null);
            answer.put("answer", "404: no route matches");
            return answer;
        }
        String id = matched;
        Route route = table.source().routes().stream()
                .filter(r -> r.id().equals(id))
                .findFirst()
                .orElseThrow();
        answer.put("route", route(route));
        answer.put("backends", backends(table, route));
        return answer;
    }

    private static Map<String, Object> route(Route route) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", route.id());
        view.put("location", route.location().toString());
        view.put("timeout", route.timeout().toString());
        view.put("filters", route.filters().stream().map(f -> f.text()).toList());
        view.put("path", route.filters().isEmpty() ? "direct proxy" : "Spring Cloud Gateway filter chain");
        return view;
    }

    private static Map<String, Object> endpoint(String address, int weight, boolean eligible, String whyNot) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("address", address);
        view.put("weight", weight);
        view.put("eligible", eligible);
        if (!eligible) {
            view.put("because", whyNot);
        }
        return view;
    }

    private static List<Map<String, Object>> backends(RouteTable table, Route route) {
        long total = route.backends().stream().mapToLong(Backend::weight).sum();
        List<Map<String, Object>> backends = new ArrayList<>();
        for (Backend backend : route.backends()) {
            Map<String, Object> view = new LinkedHashMap<>();
            view.put("upstream", backend.upstream());
            view.put("weight", backend.weight());
            view.put("share", total == 0 ? 0.0 : (double) backend.weight() / total);
            UpstreamPool pool = table.upstreams().get(backend.upstream());
            List<Endpoint> live = pool == null ? List.of() : pool.endpointSet().endpoints();
            Set<String> liveAddresses = live.stream().map(Endpoint::address).collect(Collectors.toSet());
            Map<String, EndpointStats> stats = pool == null
                    ? Map.of()
                    : pool.endpointStats().stream()
                            .collect(Collectors.toMap(EndpointStats::address, e -> e, (a, b) -> a));
            boolean panic = pool != null && pool.panicking();
            List<Map<String, Object>> endpointViews = new ArrayList<>();
            Upstream upstream = table.source().upstreams().get(backend.upstream());
            if (upstream != null && upstream.source() instanceof StaticEndpoints configured) {
                view.put("source", "static endpoints");
                // The configured endpoints, so those the balancer never sees (weight 0) are listed too.
                for (StaticEndpoint endpoint : configured.endpoints()) {
                    String health = unhealthy(stats.get(endpoint.address()), panic);
                    boolean eligible = liveAddresses.contains(endpoint.address()) && health == null;
                    endpointViews.add(endpoint(
                            endpoint.address(),
                            endpoint.weight(),
                            eligible,
                            endpoint.weight() == 0
                                    ? "weight 0 takes it out of rotation"
                                    : health != null ? health : "not in the balancer's set"));
                }
            } else {
                if (upstream != null && upstream.source() instanceof KubernetesService service) {
                    view.put(
                            "source",
                            "Kubernetes Service " + service.namespace() + "/" + service.service() + " port "
                                    + service.port() + " (ready endpoints)");
                }
                for (Endpoint endpoint : live) {
                    String health = unhealthy(stats.get(endpoint.address()), panic);
                    endpointViews.add(endpoint(
                            endpoint.address(),
                            endpoint.weight(),
                            endpoint.weight() > 0 && health == null,
                            endpoint.weight() == 0 ? "weight 0" : health));
                }
            }
            boolean anyEligible = endpointViews.stream().anyMatch(e -> Boolean.TRUE.equals(e.get("eligible")));
            if (backend.weight() == 0) {
                view.put("eligible", false);
                view.put("because", "weight 0: the route sends it no traffic");
            } else if (!anyEligible) {
                view.put("eligible", false);
                view.put(
                        "because",
                        "no ready endpoints: requests picked for it answer 503 upstream '" + backend.upstream()
                                + "' has no ready endpoints");
            } else {
                view.put("eligible", true);
            }
            if (panic) {
                view.put(
                        "panic",
                        "fewer than the panic threshold of endpoints are healthy: the balancer picks among all of them");
            }
            if (pool != null && pool.failover() != null) {
                view.put("failover", pool.failover().name());
            }
            view.put("endpoints", endpointViews);
            backends.add(view);
        }
        return backends;
    }

    /** Why outlier detection or health checks keep the endpoint out, or null if nothing does. */
    private static String unhealthy(EndpointStats stats, boolean panic) {
        if (stats == null || panic) {
            return null;
        }
        if (stats.ejected()) {
            return "ejected by outlier detection (ejection " + stats.ejection().ejections() + ")";
        }
        if (!stats.healthy()) {
            return "failing active health checks";
        }
        return null;
    }
}
