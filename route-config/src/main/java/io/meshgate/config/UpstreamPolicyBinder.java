package io.meshgate.config;

import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;

/**
 * Binds the keys of an upstream that say how it balances and handles failing endpoints: {@code
 * balancer}, {@code outlierDetection}, {@code panicThreshold}, {@code healthCheck}, {@code failover}.
 */
final class UpstreamPolicyBinder {

    /** The policy keys of an upstream, in the order the README lists them. */
    static final List<String> KEYS =
            List.of("balancer", "outlierDetection", "panicThreshold", "healthCheck", "failover");

    private static final List<String> OUTLIER_KEYS = List.of(
            "consecutiveFailures", "baseEjectionTime", "maxEjectionTime", "maxEjectedPercent", "failureStatuses");
    private static final List<String> HEALTH_KEYS =
            List.of("path", "interval", "timeout", "healthyThreshold", "unhealthyThreshold", "healthyStatuses");

    private static final Pattern STATUS_CLASS = Pattern.compile("([1-5])xx");
    private static final Pattern STATUS_RANGE = Pattern.compile("([0-9]{3})-([0-9]{3})");
    private static final Pattern STATUS = Pattern.compile("[0-9]{3}");
    private static final String STATUS_EXPECTED = "a status (503), a class (5xx) or a range (500-504)";

    private final NodeReader reader;

    UpstreamPolicyBinder(NodeReader reader) {
        this.reader = reader;
    }

    UpstreamPolicy bind(YamlMapping body, String label) {
        UpstreamPolicy defaults = UpstreamPolicy.DEFAULTS;
        String balancer = body.has("balancer") ? balancer(body.get("balancer")) : defaults.balancer();
        OutlierDetection outlier =
                body.has("outlierDetection") ? outlier(body.get("outlierDetection")) : defaults.outlierDetection();
        Integer panic = body.has("panicThreshold")
                ? reader.wholeNumber(body.get("panicThreshold"), "panicThreshold", 0, 100)
                : null;
        HealthCheck health = body.has("healthCheck") ? health(body.get("healthCheck"), label) : null;
        Node failoverNode = body.get("failover");
        String failover = failoverNode == null ? null : reader.text(failoverNode, "the name of another upstream");
        return new UpstreamPolicy(
                balancer,
                outlier,
                panic == null ? defaults.panicThreshold() : panic,
                health,
                failover,
                failoverNode == null ? null : reader.location(failoverNode));
    }

    private String balancer(Node node) {
        String name = reader.text(node, "a balancer name");
        if (name != null && !UpstreamPolicy.BALANCERS.contains(name)) {
            reader.error(
                    node,
                    "unknown balancer '" + name + "'; expected one of: " + String.join(", ", UpstreamPolicy.BALANCERS));
            return UpstreamPolicy.DEFAULT_BALANCER;
        }
        return name == null ? UpstreamPolicy.DEFAULT_BALANCER : name;
    }

    /** {@code false} turns detection off, {@code true} keeps the defaults, a mapping changes some. */
    private OutlierDetection outlier(Node node) {
        OutlierDetection d = OutlierDetection.DEFAULTS;
        if (node instanceof ScalarNode scalar
                && ("false".equals(scalar.getValue()) || "true".equals(scalar.getValue()))) {
            return "true".equals(scalar.getValue()) ? d : null;
        }
        YamlMapping m = reader.mapping(
                node, "outlier detection (false, true or a mapping of its settings)", "outlierDetection", OUTLIER_KEYS);
        if (m == null) {
            return d;
        }
        int failures = orDefault(
                m.has("consecutiveFailures")
                        ? reader.wholeNumber(m.get("consecutiveFailures"), "consecutiveFailures", 1, 1000)
                        : null,
                d.consecutiveFailures());
        Duration base = m.has("baseEjectionTime")
                ? reader.duration(m.get("baseEjectionTime"), "baseEjectionTime", Duration.ofMillis(1))
                : null;
        Duration max = m.has("maxEjectionTime")
                ? reader.duration(m.get("maxEjectionTime"), "maxEjectionTime", Duration.ofMillis(1))
                : null;
        Duration baseOrDefault = base == null ? d.baseEjectionTime() : base;
        // An unwritten maximum follows a longer base, so writing only the base is never an error.
        Duration maxOrDefault = max != null ? max : max(d.maxEjectionTime(), baseOrDefault);
        if (max != null && max.compareTo(baseOrDefault) < 0) {
            reader.error(
                    m.get("maxEjectionTime"),
                    "maxEjectionTime (" + DurationParser.format(max) + ") must be at least baseEjectionTime ("
                            + DurationParser.format(baseOrDefault) + ")");
        }
        int percent = orDefault(
                m.has("maxEjectedPercent")
                        ? reader.wholeNumber(m.get("maxEjectedPercent"), "maxEjectedPercent", 0, 100)
                        : null,
                d.maxEjectedPercent());
        Set<Integer> statuses = m.has("failureStatuses") ? statuses(m.get("failureStatuses"), "failureStatuses") : null;
        return new OutlierDetection(
                failures, baseOrDefault, maxOrDefault, percent, statuses == null ? d.failureStatuses() : statuses);
    }

    private HealthCheck health(Node node, String label) {
        YamlMapping m = reader.mapping(
                node, "a health check (a mapping with 'path' and optional settings)", "healthCheck", HEALTH_KEYS);
        if (m == null) {
            return null;
        }
        Node pathNode = reader.required(m, "path", label + " healthCheck");
        String path = pathNode == null ? null : reader.text(pathNode, "a path starting with '/'");
        if (path != null && !path.startsWith("/")) {
            reader.error(pathNode, "health check path must start with '/', got '" + path + "'");
        }
        Duration interval = m.has("interval")
                ? reader.duration(m.get("interval"), "interval", Duration.ofMillis(1))
                : HealthCheck.DEFAULT_INTERVAL;
        Duration timeout = m.has("timeout")
                ? reader.duration(m.get("timeout"), "timeout", Duration.ofMillis(1))
                : HealthCheck.DEFAULT_TIMEOUT;
        int healthy = orDefault(
                m.has("healthyThreshold")
                        ? reader.wholeNumber(m.get("healthyThreshold"), "healthyThreshold", 1, 100)
                        : null,
                HealthCheck.DEFAULT_HEALTHY_THRESHOLD);
        int unhealthy = orDefault(
                m.has("unhealthyThreshold")
                        ? reader.wholeNumber(m.get("unhealthyThreshold"), "unhealthyThreshold", 1, 100)
                        : null,
                HealthCheck.DEFAULT_UNHEALTHY_THRESHOLD);
        Set<Integer> statuses = m.has("healthyStatuses") ? statuses(m.get("healthyStatuses"), "healthyStatuses") : null;
        if (path == null || interval == null || timeout == null) {
            return null;
        }
        return new HealthCheck(
                path, interval, timeout, healthy, unhealthy, statuses == null ? HealthCheck.SUCCESS : statuses);
    }

    /** A list of statuses, classes ({@code 5xx}) and ranges ({@code 500-504}); null after an error. */
    private Set<Integer> statuses(Node node, String key) {
        List<ScalarNode> items = reader.textOrList(node, STATUS_EXPECTED, key);
        if (items == null) {
            return null;
        }
        Set<Integer> statuses = new LinkedHashSet<>();
        boolean valid = true;
        for (ScalarNode item : items) {
            String text = item.getValue().strip();
            Matcher statusClass = STATUS_CLASS.matcher(text);
            Matcher range = STATUS_RANGE.matcher(text);
            int from;
            int to;
            if (statusClass.matches()) {
                from = Integer.parseInt(statusClass.group(1)) * 100;
                to = from + 99;
            } else if (range.matches()) {
                from = Integer.parseInt(range.group(1));
                to = Integer.parseInt(range.group(2));
            } else if (STATUS.matcher(text).matches()) {
                from = Integer.parseInt(text);
                to = from;
            } else {
                reader.error(item, key + ": expected " + STATUS_EXPECTED + ", got '" + text + "'");
                valid = false;
                continue;
            }
            if (from < 100 || to > 599 || from > to) {
                reader.error(item, key + ": '" + text + "' is not within the HTTP statuses 100 to 599");
                valid = false;
                continue;
            }
            for (int status = from; status <= to; status++) {
                statuses.add(status);
            }
        }
        return valid ? statuses : null;
    }

    private static int orDefault(Integer value, int fallback) {
        return value == null ? fallback : value;
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }
}
