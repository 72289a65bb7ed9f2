package io.meshgate.config;

import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Reads SnakeYAML nodes of one file into plain values, recording an error with the node's location
 * whenever a node is not of the expected shape. Methods return null after recording an error, so
 * the binder can carry on and report every problem of a file in one pass.
 */
final class NodeReader {

    /** The largest weight a backend or endpoint may have. */
    static final int MAX_WEIGHT = 1_000_000;

    private static final Pattern WHOLE_NUMBER = Pattern.compile("[-+]?[0-9]+");

    private final String file;
    // A node reached through several aliases is read several times; report each problem once.
    private final Set<ConfigError> errors = new LinkedHashSet<>();

    NodeReader(String file) {
        this.file = file;
    }

    String file() {
        return file;
    }

    List<ConfigError> errors() {
        return new ArrayList<>(errors);
    }

    void error(Node node, String message) {
        errors.add(new ConfigError(location(node), message));
    }

    void error(SourceLocation location, String message) {
        errors.add(new ConfigError(location, message));
    }

    SourceLocation location(Node node) {
        return location(node.getStartMark());
    }

    SourceLocation location(Mark mark) {
        return mark == null
                ? SourceLocation.unknown(file)
                : new SourceLocation(file, mark.getLine() + 1, mark.getColumn() + 1);
    }

    /** How a node looks to a user, for "expected ..., got ..." messages. */
    static String describe(Node node) {
        if (node instanceof MappingNode) {
            return "a mapping";
        }
        if (node instanceof SequenceNode) {
            return "a list";
        }
        ScalarNode scalar = (ScalarNode) node;
        return isNull(scalar) ? "an empty value" : "'" + scalar.getValue() + "'";
    }

    private static boolean isNull(ScalarNode scalar) {
        return scalar.getTag().equals(Tag.NULL);
    }

    /**
     * A mapping whose keys must come from {@code keys}; unknown keys are reported as errors and
     * left out.
     *
     * @param expected what the node should be, for the wrong-type message ("a route")
     * @param what the mapping's name in the unknown-key message ("route match")
     */
    YamlMapping mapping(Node node, String expected, String what, List<String> keys) {
        YamlMapping mapping = mapping(node, expected);
        if (mapping == null) {
            return null;
        }
        for (YamlMapping.Entry entry : mapping.entries()) {
            if (!keys.contains(entry.key())) {
                error(
                        entry.keyNode(),
                        "unknown key '" + entry.key() + "' in " + what + "; expected one of: "
                                + String.join(", ", keys));
            }
        }
        return mapping;
    }

    /** A mapping with any keys (names of upstreams, headers, ...). */
    YamlMapping mapping(Node node, String expected) {
        if (node instanceof MappingNode mapping) {
            return YamlMapping.of(mapping, this);
        }
        error(node, "expected " + expected + ", got " + describe(node));
        return null;
    }

    /** The items of a list. */
    List<Node> list(Node node, String expected) {
        if (node instanceof SequenceNode sequence) {
            return sequence.getValue();
        }
        error(node, "expected " + expected + ", got " + describe(node));
        return null;
    }

    /**
     * The text of a scalar. Numbers and booleans are taken as written ({@code version: 2} is the
     * text "2"), since route files compare them as text anyway.
     */
    String text(Node node, String expected) {
        if (node instanceof ScalarNode scalar && !isNull(scalar)) {
            return scalar.getValue();
        }
        error(node, "expected " + expected + ", got " + describe(node));
        return null;
    }

    /**
     * One text or a list of texts ({@code path: /a} or {@code path: [/a, /b]}), each with its node.
     * An empty list is an error: leaving the key out is the way to say "any".
     */
    List<ScalarNode> textOrList(Node node, String expected, String key) {
        if (node instanceof ScalarNode scalar && !isNull(scalar)) {
            return List.of(scalar);
        }
        if (node instanceof SequenceNode sequence) {
            if (sequence.getValue().isEmpty()) {
                error(node, "expected at least one item in '" + key + "'; leave '" + key + "' out to match any");
                return null;
            }
            List<ScalarNode> items = new ArrayList<>();
            for (Node item : sequence.getValue()) {
                if (item instanceof ScalarNode scalar && !isNull(scalar)) {
                    items.add(scalar);
                } else {
                    error(item, "expected " + expected + ", got " + describe(item));
                }
            }
            return items;
        }
        error(node, "expected " + expected + " or a list of them, got " + describe(node));
        return null;
    }

    /**
     * A weight: a whole number from 0 to {@value #MAX_WEIGHT}. The bound keeps sums of weights
     * (cumulative tables in the balancers) far from integer overflow.
     */
    Integer weight(Node node) {
        String text = text(node, "a weight (a whole number 0 or more)");
        if (text == null) {
            return null;
        }
        if (!WHOLE_NUMBER.matcher(text).matches()) {
            error(node, "expected a weight (a whole number 0 or more), got '" + text + "'");
            return null;
        }
        BigInteger value = new BigInteger(text);
        if (value.signum() < 0) {
            error(node, "weight must be 0 or more, got " + text);
            return null;
        }
        if (value.compareTo(BigInteger.valueOf(MAX_WEIGHT)) > 0) {
            error(node, "weight must be at most " + MAX_WEIGHT + ", got " + text);
            return null;
        }
        return value.intValue();
    }

    /**
     * A duration ({@code 250ms}, {@code 30s}) of a key, at least {@code min}: null after reporting an
     * error.
     */
    Duration duration(Node node, String key, Duration min) {
        String text = text(node, "a duration such as 30s");
        if (text == null) {
            return null;
        }
        try {
            Duration value = DurationParser.parse(text);
            if (value.compareTo(min) < 0) {
                error(
                        node,
                        key + " must be " + (min.isZero() ? "0 or more" : "at least " + DurationParser.format(min))
                                + ", got '" + text + "'");
                return null;
            }
            return value;
        } catch (IllegalArgumentException e) {
            error(node, e.getMessage());
            return null;
        }
    }

    /** A whole number of a key from {@code min} to {@code max}: null after reporting an error. */
    Integer wholeNumber(Node node, String key, int min, int max) {
        String expected = "a whole number from " + min + " to " + max;
        String text = text(node, expected);
        if (text == null) {
            return null;
        }
        if (!WHOLE_NUMBER.matcher(text).matches()) {
            error(node, key + ": expected " + expected + ", got '" + text + "'");
            return null;
        }
        BigInteger value = new BigInteger(text);
        if (value.compareTo(BigInteger.valueOf(min)) < 0 || value.compareTo(BigInteger.valueOf(max)) > 0) {
            error(node, key + " must be from " + min + " to " + max + ", got " + text);
            return null;
        }
        return value.intValue();
    }

    /** A required key of a mapping: its value node, or null after reporting that it is missing. */
    Node required(YamlMapping mapping, String key, String what) {
        Node value = mapping.get(key);
        if (value == null) {
            error(mapping.node(), what + " is missing required key '" + key + "'");
        }
        return value;
    }
}
