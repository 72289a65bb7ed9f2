package io.meshgate.app.routing;

import io.meshgate.config.ConfigError;
import io.meshgate.config.FilterSpec;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.PatternSyntaxException;
import org.springframework.cloud.gateway.event.FilterArgsEvent;
import org.springframework.cloud.gateway.filter.FilterDefinition;
import org.springframework.cloud.gateway.filter.GatewayFilter;
import org.springframework.cloud.gateway.filter.factory.GatewayFilterFactory;
import org.springframework.cloud.gateway.support.ConfigurationService;
import org.springframework.cloud.gateway.support.HasRouteId;

/**
 * Turns a filter written in Spring Cloud Gateway's shortcut syntax ({@code StripPrefix=1}) into a
 * filter, the way Spring Cloud Gateway does for its own route definitions, but at configuration load
 * time: an unknown name or a bad argument becomes an error at the filter's line, not a failure of
 * the first request.
 */
public final class FilterSpecCompiler {

    private final Map<String, GatewayFilterFactory<?>> factories;
    private final ConfigurationService configurationService;

    public FilterSpecCompiler(List<GatewayFilterFactory<?>> factories, ConfigurationService configurationService) {
        Map<String, GatewayFilterFactory<?>> byName = new TreeMap<>();
        factories.forEach(factory -> byName.put(factory.name(), factory));
        this.factories = java.util.Collections.unmodifiableMap(byName);
        this.configurationService = configurationService;
    }

    /** The outcome of compiling one filter: the filter, or the error that says why not. */
    public record Result(GatewayFilter filter, ConfigError error) {}

    public Result compile(String routeId, FilterSpec spec) {
        FilterDefinition definition = new FilterDefinition(spec.text().strip());
        GatewayFilterFactory<?> factory = factories.get(definition.getName());
        if (factory == null) {
            return new Result(null, new ConfigError(spec.location(), unknownFilter(definition.getName())));
        }
        try {
            return new Result(build(routeId, factory, definition), null);
        } catch (RuntimeException e) {
            return new Result(
                    null,
                    new ConfigError(
                            spec.location(),
                            "filter '" + spec.text() + "' cannot be built: " + rootMessage(e) + "; expected "
                                    + definition.getName() + "=" + String.join(", ", shortcutFields(factory))));
        }
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private GatewayFilter build(String routeId, GatewayFilterFactory factory, FilterDefinition definition) {
        Object config = configurationService
                .with(factory)
                .name(definition.getName())
                .properties(definition.getArgs())
                .eventFunction(
                        (bound, properties) -> new FilterArgsEvent(this, routeId, (Map<String, Object>) properties))
                .bind();
        if (config instanceof HasRouteId hasRouteId) {
            hasRouteId.setRouteId(routeId);
        }
        return factory.apply(config);
    }

    /** The names of the filters a route file can use, sorted. */
    public List<String> names() {
        return List.copyOf(factories.keySet());
    }

    private String unknownFilter(String name) {
        String closest = null;
        int best = Integer.MAX_VALUE;
        for (String known : factories.keySet()) {
            int distance = editDistance(name.toLowerCase(Locale.ROOT), known.toLowerCase(Locale.ROOT));
            if (distance < best) {
                best = distance;
                closest = known;
            }
        }
        String hint =
                closest != null && best <= Math.max(2, name.length() / 3) ? "did you mean '" + closest + "'? " : "";
        return "unknown filter '" + name + "'; " + hint + "expected a Spring Cloud Gateway filter name " + "(the "
                + factories.size() + " available are listed under 'filters' on /actuator/meshgate)";
    }

    /** Levenshtein distance, for "did you mean" on a mistyped filter name. */
    static int editDistance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }

    private static List<String> shortcutFields(GatewayFilterFactory<?> factory) {
        List<String> fields = factory.shortcutFieldOrder();
        return fields.isEmpty() ? List.of("<no arguments>") : fields;
    }

    private static String rootMessage(Throwable error) {
        Throwable root = error;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        // Keep messages on one line: they go into logs and the admin view as single entries.
        if (root instanceof PatternSyntaxException syntax) {
            return "bad regular expression '" + syntax.getPattern() + "': " + syntax.getDescription() + " near index "
                    + syntax.getIndex();
        }
        if (root instanceof NumberFormatException) {
            return "not a number (" + root.getMessage() + ")";
        }
        String message = root.getMessage();
        return message == null
                ? root.getClass().getSimpleName()
                : message.lines().findFirst().orElse("");
    }
}
