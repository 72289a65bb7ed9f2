package io.meshgate.config;

/**
 * A condition on one header or query parameter.
 *
 * @param name header name (case-insensitive) or query parameter name (case-sensitive)
 * @param kind how {@code value} is compared
 * @param value the expected value; null for {@link Kind#PRESENT}
 */
public record ValueMatch(String name, Kind kind, String value, SourceLocation location) {

    /** How a value is compared. */
    public enum Kind {
        /** Equal to {@code value}. Written as a plain string or {@code {exact: v}}. */
        EXACT,
        /** Starts with {@code value}. Written {@code {prefix: v}}. */
        PREFIX,
        /** Matches the Java regular expression {@code value} in full. Written {@code {regex: v}}. */
        REGEX,
        /** Present with any value. Written {@code {present: true}}. */
        PRESENT
    }
}
