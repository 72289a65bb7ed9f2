package io.meshgate.config;

import java.math.BigInteger;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Binds the resilience policies of the route file: {@code retry} of a route, {@code retryBudget}
 * and {@code circuitBreaker} of an upstream. Every value is checked here, so the runtime units get
 * policies they can use as they are.
 */
final class PolicyBinder {

    private static final List<String> RETRY_KEYS =
            List.of("attempts", "on", "perTryTimeout", "backoff", "methods", "bufferBody");
    private static final List<String> BACKOFF_KEYS = List.of("base", "max");
    private static final List<String> BUDGET_KEYS = List.of("percent", "minPerSecond", "window");
    private static final List<String> BREAKER_KEYS = List.of(
            "failureRateThreshold",
            "slidingWindowSize",
            "minimumNumberOfCalls",
            "waitDurationInOpenState",
            "permittedNumberOfCallsInHalfOpenState",
            "fallback");

    private static final Pattern WHOLE_NUMBER = Pattern.compile("[-+]?[0-9]+");
    private static final Duration MIN_BUDGET_WINDOW = Duration.ofSeconds(1);
    private static final Duration MAX_BUDGET_WINDOW = Duration.ofMinutes(1);

    private final NodeReader reader;

    PolicyBinder(NodeReader reader) {
        this.reader = reader;
    }

    /**
     * A route's {@code retry}.
     *
     * @param timeout the route's timeout, which {@code perTryTimeout} must not exceed
     */
    RetryPolicy retry(Node node, Duration timeout) {
        SourceLocation location = reader.location(node);
        YamlMapping retry = reader.mapping(
                node, "a retry policy (a mapping with 'attempts', 'on', 'perTryTimeout', ...)", "retry", RETRY_KEYS);
        if (retry == null) {
            return RetryPolicy.defaults(location);
        }
        int attempts = retry.has("attempts")
                ? number(retry.get("attempts"), "attempts", 1, RetryPolicy.MAX_ATTEMPTS, RetryPolicy.DEFAULT_ATTEMPTS)
                : RetryPolicy.DEFAULT_ATTEMPTS;
        Set<RetryPolicy.Condition> on = new LinkedHashSet<>(RetryPolicy.DEFAULT_ON);
        Set<Integer> statuses = new LinkedHashSet<>(RetryPolicy.DEFAULT_STATUSES);
        if (retry.has("on")) {
            on.clear();
            statuses.clear();
            conditions(retry.get("on"), on, statuses);
        }
        Duration perTryTimeout = null;
        if (retry.has("perTryTimeout")) {
            Node perTry = retry.get("perTryTimeout");
            perTryTimeout = duration(perTry, "perTryTimeout", false);
            if (perTryTimeout != null && perTryTimeout.compareTo(timeout) > 0) {
                reader.error(
                        perTry,
                        "perTryTimeout " + text(perTry) + " is longer than the route's timeout "
                                + format(timeout) + ", which bounds all attempts together; "
                                + "shorten perTryTimeout or raise timeout");
            }
        }
        Duration base = RetryPolicy.DEFAULT_BACKOFF_BASE;
        Duration max = RetryPolicy.DEFAULT_BACKOFF_MAX;
        if (retry.has("backoff")) {
            YamlMapping backoff = reader.mapping(
                    retry.get("backoff"), "a backoff (a mapping with 'base' and 'max')", "backoff", BACKOFF_KEYS);
            if (backoff != null) {
                Duration b = backoff.has("base") ? duration(backoff.get("base"), "base", true) : base;
                Duration m = backoff.has("max") ? duration(backoff.get("max"), "max", true) : null;
                base = b == null ? base : b;
                max = m == null ? (b != null && b.compareTo(max) > 0 ? b : max) : m;
                if (b != null && m != null && m.compareTo(b) < 0) {
                    reader.error(
                            backoff.get("max"),
                            "backoff max " + text(backoff.get("max")) + " is shorter than its base "
                                    + text(backoff.get("base")));
                }
            }
        }
        Set<String> methods = retry.has("methods") ? methods(retry.get("methods")) : Set.of();
        long bufferBody = retry.has("bufferBody") ? size(retry.get("bufferBody")) : RetryPolicy.DEFAULT_BUFFER_BODY;
        return new RetryPolicy(attempts, on, statuses, perTryTimeout, base, max, methods, bufferBody, location);
    }

    /** An upstream's {@code retryBudget}. */
    RetryBudgetPolicy retryBudget(Node node) {
        YamlMapping budget = reader.mapping(
                node,
                "a retry budget (a mapping with 'percent', 'minPerSecond' and 'window')",
                "retryBudget",
                BUDGET_KEYS);
        if (budget == null) {
            return RetryBudgetPolicy.DEFAULT;
        }
        int percent = budget.has("percent")
                ? number(budget.get("percent"), "percent", 0, 1000, RetryBudgetPolicy.DEFAULT_PERCENT)
                : RetryBudgetPolicy.DEFAULT_PERCENT;
        int minPerSecond = budget.has("minPerSecond")
                ? number(
                        budget.get("minPerSecond"),
                        "minPerSecond",
                        0,
                        1_000_000,
                        RetryBudgetPolicy.DEFAULT_MIN_PER_SECOND)
                : RetryBudgetPolicy.DEFAULT_MIN_PER_SECOND;
        Duration window = RetryBudgetPolicy.DEFAULT_WINDOW;
        if (budget.has("window")) {
            Node windowNode = budget.get("window");
            Duration parsed = duration(windowNode, "window", false);
            if (parsed != null
                    && (parsed.compareTo(MIN_BUDGET_WINDOW) < 0 || parsed.compareTo(MAX_BUDGET_WINDOW) > 0)) {
                reader.error(windowNode, "window must be from 1s to 1m, got '" + text(windowNode) + "'");
            } else if (parsed != null) {
                window = parsed;
            }
        }
        return new RetryBudgetPolicy(percent, minPerSecond, window, reader.location(node));
    }

    /** An upstream's {@code circuitBreaker}; the fallback upstream is checked when files are merged. */
    CircuitBreakerPolicy circuitBreaker(Node node, String upstream) {
        YamlMapping breaker = reader.mapping(
                node,
                "a circuit breaker (a mapping such as { failureRateThreshold: 50 })",
                "circuitBreaker",
                BREAKER_KEYS);
        if (breaker == null) {
            return null;
        }
        int threshold = breaker.has("failureRateThreshold")
                ? number(
                        breaker.get("failureRateThreshold"),
                        "failureRateThreshold",
                        1,
                        100,
                        CircuitBreakerPolicy.DEFAULT_FAILURE_RATE_THRESHOLD)
                : CircuitBreakerPolicy.DEFAULT_FAILURE_RATE_THRESHOLD;
        int window = breaker.has("slidingWindowSize")
                ? number(
                        breaker.get("slidingWindowSize"),
                        "slidingWindowSize",
                        1,
                        100_000,
                        CircuitBreakerPolicy.DEFAULT_SLIDING_WINDOW_SIZE)
                : CircuitBreakerPolicy.DEFAULT_SLIDING_WINDOW_SIZE;
        int minimum = breaker.has("minimumNumberOfCalls")
                ? number(
                        breaker.get("minimumNumberOfCalls"),
                        "minimumNumberOfCalls",
                        1,
                        100_000,
                        CircuitBreakerPolicy.DEFAULT_MINIMUM_NUMBER_OF_CALLS)
                : Math.min(window, CircuitBreakerPolicy.DEFAULT_MINIMUM_NUMBER_OF_CALLS);
        Duration wait = CircuitBreakerPolicy.DEFAULT_WAIT_DURATION_IN_OPEN_STATE;
        if (breaker.has("waitDurationInOpenState")) {
            Duration parsed = duration(breaker.get("waitDurationInOpenState"), "waitDurationInOpenState", false);
            wait = parsed == null ? wait : parsed;
        }
        int halfOpen = breaker.has("permittedNumberOfCallsInHalfOpenState")
                ? number(
                        breaker.get("permittedNumberOfCallsInHalfOpenState"),
                        "permittedNumberOfCallsInHalfOpenState",
                        1,
                        10_000,
                        CircuitBreakerPolicy.DEFAULT_PERMITTED_CALLS_IN_HALF_OPEN_STATE)
                : CircuitBreakerPolicy.DEFAULT_PERMITTED_CALLS_IN_HALF_OPEN_STATE;
        String fallback = null;
        if (breaker.has("fallback")) {
            Node fallbackNode = breaker.get("fallback");
            fallback = reader.text(fallbackNode, "an upstream name");
            if (upstream.equals(fallback)) {
                reader.error(fallbackNode, "upstream '" + upstream + "' cannot be its own fallback");
                fallback = null;
            }
        }
        return new CircuitBreakerPolicy(threshold, window, minimum, wait, halfOpen, fallback, reader.location(node));
    }

    private void conditions(Node node, Set<RetryPolicy.Condition> on, Set<Integer> statuses) {
        String expected = "a retry condition (connect-failure, reset, per-try-timeout or a status code 400 to 599)";
        List<Node> items;
        if (node instanceof SequenceNode sequence) {
            items = sequence.getValue();
            if (items.isEmpty()) {
                reader.error(node, "expected at least one retry condition; set 'attempts: 1' to turn retries off");
                return;
            }
        } else {
            items = List.of(node);
        }
        for (Node item : items) {
            String text = reader.text(item, expected);
            if (text == null) {
                continue;
            }
            RetryPolicy.Condition condition = RetryPolicy.Condition.of(text);
            if (condition != null) {
                on.add(condition);
            } else if (text.matches("[0-9]{3}") && Integer.parseInt(text) >= 400 && Integer.parseInt(text) <= 599) {
                statuses.add(Integer.parseInt(text));
            } else {
                reader.error(item, "unknown retry condition '" + text + "'; expected " + expected);
            }
        }
    }

    private Set<String> methods(Node node) {
        Set<String> methods = new LinkedHashSet<>();
        List<ScalarNode> items = reader.textOrList(node, "an HTTP method such as POST", "methods");
        if (items == null) {
            return methods;
        }
        for (ScalarNode item : items) {
            String method = item.getValue().toUpperCase(Locale.ROOT);
            if (MatchBinder.METHODS.contains(method)) {
                methods.add(method);
            } else {
                reader.error(
                        item,
                        "unknown HTTP method '" + item.getValue() + "'; expected one of: "
                                + String.join(", ", MatchBinder.METHODS));
            }
        }
        return methods;
    }

    private long size(Node node) {
        String text = reader.text(node, "a size such as 64KiB");
        if (text == null) {
            return RetryPolicy.DEFAULT_BUFFER_BODY;
        }
        try {
            long bytes = ByteSizeParser.parse(text);
            if (bytes > RetryPolicy.MAX_BUFFER_BODY) {
                reader.error(node, "bufferBody must be at most 16MiB, got '" + text + "'");
                return RetryPolicy.DEFAULT_BUFFER_BODY;
            }
            return bytes;
        } catch (IllegalArgumentException e) {
            reader.error(node, e.getMessage());
            return RetryPolicy.DEFAULT_BUFFER_BODY;
        }
    }

    /** A duration, or null after an error. */
    private Duration duration(Node node, String key, boolean zeroAllowed) {
        String text = reader.text(node, "a duration such as 250ms");
        if (text == null) {
            return null;
        }
        try {
            Duration duration = DurationParser.parse(text);
            if (duration.isZero() && !zeroAllowed) {
                reader.error(node, key + " must be more than 0, got '" + text + "'");
                return null;
            }
            return duration;
        } catch (IllegalArgumentException e) {
            reader.error(node, e.getMessage());
            return null;
        }
    }

    /** A whole number from min to max, or {@code fallback} after an error. */
    private int number(Node node, String key, int min, int max, int fallback) {
        String expected = "a whole number from " + min + " to " + max;
        String text = reader.text(node, expected);
        if (text == null) {
            return fallback;
        }
        if (!WHOLE_NUMBER.matcher(text).matches()) {
            reader.error(node, key + ": expected " + expected + ", got '" + text + "'");
            return fallback;
        }
        BigInteger value = new BigInteger(text);
        if (value.compareTo(BigInteger.valueOf(min)) < 0 || value.compareTo(BigInteger.valueOf(max)) > 0) {
            reader.error(node, key + " must be from " + min + " to " + max + ", got " + text);
            return fallback;
        }
        return value.intValue();
    }

    private static String text(Node node) {
        return node instanceof ScalarNode scalar ? scalar.getValue() : NodeReader.describe(node);
    }

    private static String format(Duration duration) {
        long millis = duration.toMillis();
        return millis % 1000 == 0 ? millis / 1000 + "s" : millis + "ms";
    }
}
