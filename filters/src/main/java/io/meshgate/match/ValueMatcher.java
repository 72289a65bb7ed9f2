package io.meshgate.match;

import io.meshgate.config.ValueMatch;
import java.util.regex.Pattern;

/** A compiled condition on one header or query parameter value. */
public final class ValueMatcher {

    private final String name;
    private final ValueMatch.Kind kind;
    private final String value;
    private final Pattern regex;

    private ValueMatcher(String name, ValueMatch.Kind kind, String value, Pattern regex) {
        this.name = name;
        this.kind = kind;
        this.value = value;
        this.regex = regex;
    }

    /** Compiles a condition; a regular expression is compiled here, once. */
    public static ValueMatcher of(ValueMatch match) {
        Pattern regex = match.kind() == ValueMatch.Kind.REGEX ? Pattern.compile(match.value()) : null;
        return new ValueMatcher(match.name(), match.kind(), match.value(), regex);
    }

    public String name() {
        return name;
    }

    /** Whether the value (null when absent) satisfies the condition. */
    public boolean matches(String actual) {
        if (actual == null) {
            return false;
        }
        return switch (kind) {
            case EXACT -> actual.equals(value);
            case PREFIX -> actual.startsWith(value);
            case REGEX -> regex.matcher(actual).matches();
            case PRESENT -> true;
        };
    }
}
